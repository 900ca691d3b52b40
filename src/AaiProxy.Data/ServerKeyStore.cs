using AaiProxy.Data.Entities;
using Microsoft.EntityFrameworkCore;

namespace AaiProxy.Data;

/// <summary>Loads and stores the OpenID provider's keys.</summary>
public sealed class ServerKeyStore(ProxyDbContext db, TimeProvider time)
{
    /// <summary>Active keys of one usage, oldest first, so that every node picks the same current key.</summary>
    public List<ServerKeyEntity> ActiveKeys(ServerKeyUsage usage) =>
        [.. db.ServerKeys.AsNoTracking()
            .Where(key => key.Usage == usage && key.Status == ServerKeyStatus.Active)
            .AsEnumerable()
            .OrderBy(key => key.CreatedAt)
            .ThenBy(key => key.Id, StringComparer.Ordinal)];

    /// <summary>
    /// Stores a newly generated key. Runs synchronously: keys are provisioned once, while OpenIddict's
    /// options are built at start-up.
    /// </summary>
    public void Add(string algorithm, ServerKeyUsage usage, byte[] privateKey)
    {
        db.ServerKeys.Add(new ServerKeyEntity
        {
            Id = CommunityAccountResolver.Base64UrlEncode(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16)),
            Algorithm = algorithm,
            Usage = usage,
            PrivateKey = privateKey,
            CreatedAt = time.GetUtcNow(),
            Status = ServerKeyStatus.Active,
        });
        db.SaveChanges();
    }
}
