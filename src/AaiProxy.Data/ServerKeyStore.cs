using AaiProxy.Data.Entities;
using AaiProxy.Identity;
using Microsoft.EntityFrameworkCore;

namespace AaiProxy.Data;

/// <summary>Loads and stores the OpenID provider's keys; private keys are stored only encrypted under the
/// <see cref="KeyEncryptionKey"/> (bound to the key's id) and decrypted when loaded.</summary>
public sealed class ServerKeyStore
{
    private readonly ProxyDbContext _db;
    private readonly TimeProvider _time;
    private readonly AuditLog _audit;
    private readonly KeyEncryptionKey _kek;

    // Internal: the audit log's EF implementation is Data's own; callers resolve the store from DI.
    internal ServerKeyStore(ProxyDbContext db, TimeProvider time, AuditLog audit, KeyEncryptionKey kek)
    {
        _db = db;
        _time = time;
        _audit = audit;
        _kek = kek;
    }

    /// <summary>Active keys of one usage, oldest first, so that every node picks the same current key; detached,
    /// with <see cref="ServerKeyEntity.PrivateKey"/> decrypted.</summary>
    /// <exception cref="System.Security.Cryptography.CryptographicException">A key was protected by another KEK.</exception>
    public List<ServerKeyEntity> ActiveKeys(ServerKeyUsage usage) =>
        [.. _db.ServerKeys.AsNoTracking()
            .Where(key => key.Usage == usage && key.Status == ServerKeyStatus.Active)
            .AsEnumerable()
            .OrderBy(key => key.CreatedAt)
            .ThenBy(key => key.Id, StringComparer.Ordinal)
            .Select(key =>
            {
                key.PrivateKey = _kek.Unprotect(key.PrivateKey, Purpose(key.Id));
                return key;
            })];

    /// <summary>Every key's description (never its private part), oldest first: for operators.</summary>
    public List<ServerKeyInfo> List() =>
        [.. _db.ServerKeys.AsNoTracking().AsEnumerable()
            .OrderBy(key => key.CreatedAt).ThenBy(key => key.Id, StringComparer.Ordinal)
            .Select(key => new ServerKeyInfo(key.Id, key.Algorithm, key.Usage, key.Status, key.CreatedAt, KeyEncryptionKey.IsProtected(key.PrivateKey)))];

    /// <summary>Encrypts keys an earlier version stored in plaintext (audited as <c>key.protected</c>); returns how many.</summary>
    public int ProtectPlaintextKeys(string actor)
    {
        var plaintext = _db.ServerKeys.AsEnumerable().Where(key => !KeyEncryptionKey.IsProtected(key.PrivateKey)).ToList();
        var events = new List<AaiProxy.Data.Entities.AuditEventEntity>();
        foreach (var key in plaintext)
        {
            key.PrivateKey = _kek.Protect(key.PrivateKey, Purpose(key.Id));
            events.Add(_audit.Stage(new AuditEvent(actor, AuditActions.KeyProtected, key.Id, new Dictionary<string, string>
            {
                ["algorithm"] = key.Algorithm,
            })));
        }

        _db.SaveChanges();
        events.ForEach(_audit.Written);
        return plaintext.Count;
    }

    private static string Purpose(string keyId) => "server-key:" + keyId;

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
            PrivateKey = [],
            CreatedAt = _time.GetUtcNow(),
            Status = ServerKeyStatus.Active,
        };
        key.PrivateKey = _kek.Protect(privateKey, Purpose(key.Id));
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

/// <summary>What an operator may see of a stored key.</summary>
public sealed record ServerKeyInfo(string Id, string Algorithm, ServerKeyUsage Usage, ServerKeyStatus Status, DateTimeOffset CreatedAt, bool Encrypted);
