using AaiProxy.Data.Entities;
using AaiProxy.Identity;
using Microsoft.EntityFrameworkCore;

namespace AaiProxy.Data;

/// <summary>Loads and stores the OpenID provider's keys.</summary>
public sealed class ServerKeyStore
{
    private readonly ProxyDbContext _db;
    private readonly TimeProvider _time;
    private readonly AuditLog _audit;

    // Internal: the audit log's EF implementation is Data's own; callers resolve the store from DI.
    internal ServerKeyStore(ProxyDbContext db, TimeProvider time, AuditLog audit)
    {
        _db = db;
        _time = time;
        _audit = audit;
    }

    /// <summary>Active keys of one usage, oldest first, so that every node picks the same current key.</summary>
    public List<ServerKeyEntity> ActiveKeys(ServerKeyUsage usage) =>
        [.. _db.ServerKeys.AsNoTracking()
            .Where(key => key.Usage == usage && key.Status == ServerKeyStatus.Active)
            .AsEnumerable()
            .OrderBy(key => key.CreatedAt)
            .ThenBy(key => key.Id, StringComparer.Ordinal)];

    /// <summary>
    /// Stores a newly generated key and its <c>key.created</c> audit event in one SaveChanges, and returns
    /// its <c>kid</c>. Runs synchronously: keys are provisioned once, while OpenIddict's options are built
    /// at start-up.
    /// </summary>
    public string Add(string algorithm, ServerKeyUsage usage, byte[] privateKey, string actor)
    {
        var key = new ServerKeyEntity
        {
            Id = CommunityAccountResolver.Base64UrlEncode(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16)),
            Algorithm = algorithm,
            Usage = usage,
            PrivateKey = privateKey,
            CreatedAt = _time.GetUtcNow(),
            Status = ServerKeyStatus.Active,
        };
        _db.ServerKeys.Add(key);
        var auditEvent = _audit.Stage(new AuditEvent(actor, AuditActions.KeyCreated, key.Id, new Dictionary<string, string>
        {
            ["algorithm"] = algorithm,
            ["usage"] = usage.ToString().ToLowerInvariant(),
        }));
        _db.SaveChanges();
        _audit.Written(auditEvent);
        return key.Id;
    }
}
