using AaiProxy.Data.Entities;
using AaiProxy.Identity;
using Microsoft.EntityFrameworkCore;

namespace AaiProxy.Data;

/// <summary>Loads and stores the proxy's keys and their lifecycle; private keys are stored only encrypted under the
/// <see cref="KeyEncryptionKey"/> (bound to the key's id) and decrypted when loaded. Every lifecycle event
/// (<c>key.created</c>, <c>key.imported</c>, <c>key.activated</c>, <c>key.retired</c>) is audited in the same SaveChanges.</summary>
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

    /// <summary>The key ring of one usage now: every published key, detached, with <see cref="ServerKeyEntity.PrivateKey"/>
    /// decrypted; per algorithm the current key (activated, highest version) first, then older activated ones, then the
    /// pending one. Every node computes the same order from the same rows.</summary>
    /// <exception cref="System.Security.Cryptography.CryptographicException">A key was protected by another KEK.</exception>
    public List<ServerKeyEntity> Published(ServerKeyUsage usage)
    {
        var now = _time.GetUtcNow();
        return [.. _db.ServerKeys.AsNoTracking()
            .Where(key => key.Usage == usage)
            .AsEnumerable()
            .Where(key => ServerKeyLifecycle.IsPublished(key, now))
            .OrderBy(key => ServerKeyLifecycle.IsActivated(key, now) ? 0 : 1)
            .ThenByDescending(key => key.Version)
            .ThenBy(key => key.Id, StringComparer.Ordinal)
            .Select(key =>
            {
                key.PrivateKey = _kek.Unprotect(key.PrivateKey, Purpose(key.Id));
                return key;
            })];
    }

    /// <summary>Every key's description (never its private part), oldest first: for operators and for noticing changes.</summary>
    public List<ServerKeyInfo> List() =>
        [.. _db.ServerKeys.AsNoTracking().AsEnumerable()
            .OrderBy(key => key.CreatedAt).ThenBy(key => key.Id, StringComparer.Ordinal)
            .Select(key => new ServerKeyInfo(key.Id, key.Algorithm, key.Usage, key.Status, key.CreatedAt, KeyEncryptionKey.IsProtected(key.PrivateKey),
                key.Version, key.ActivatesAt, key.RetiresAt))];

    /// <summary>Encrypts keys an earlier version stored in plaintext (audited as <c>key.protected</c>); returns how many.</summary>
    public int ProtectPlaintextKeys(string actor)
    {
        var plaintext = _db.ServerKeys.AsEnumerable().Where(key => !KeyEncryptionKey.IsProtected(key.PrivateKey)).ToList();
        var events = new List<AuditEventEntity>();
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
    /// Stores the first key of a usage and algorithm, active at once, with its <c>key.created</c> (or, for a key moved in
    /// from a file, <c>key.imported</c>) audit event. The caller found none, but another node may have stored one since
    /// (generating a key takes a while): then that key is kept and nothing is stored, because ours, stored as its
    /// successor, would retire it at once while that node still signs and decrypts with it. Returns whether ours was
    /// stored. Runs synchronously: keys are provisioned while OpenIddict's options are built.
    /// </summary>
    public bool Add(string algorithm, ServerKeyUsage usage, byte[] privateKey, string actor, byte[]? certificate = null,
        string action = AuditActions.KeyCreated)
    {
        var now = _time.GetUtcNow();
        if (Versions(usage, algorithm).Any(key => ServerKeyLifecycle.IsPublished(key, now)))
        {
            return false;
        }

        return Successor(algorithm, usage, privateKey, certificate, now, TimeSpan.Zero, actor, action).Created is not null;
    }

    /// <summary>
    /// Stores the next key of a usage and algorithm, published now and used from <paramref name="activatesAt"/>; every
    /// published predecessor then retires at <paramref name="activatesAt"/> + <paramref name="overlap"/>. Nothing is stored
    /// when a successor is already waiting (pending) or another node stored one at the same time (the unique version):
    /// then <see cref="KeySuccession.Created"/> is null and <see cref="KeySuccession.Newest"/> is the key that waits.
    /// </summary>
    /// <param name="action"><see cref="AuditActions.KeyCreated"/> (generated) or <see cref="AuditActions.KeyImported"/>.</param>
    public KeySuccession Successor(string algorithm, ServerKeyUsage usage, byte[] privateKey, byte[]? certificate,
        DateTimeOffset activatesAt, TimeSpan overlap, string actor, string action)
    {
        var now = _time.GetUtcNow();
        var keys = Versions(usage, algorithm);
        var newest = keys.MaxBy(key => key.Version);
        if (newest is not null && ServerKeyLifecycle.IsPublished(newest, now) && newest.ActivatesAt > now)
        {
            return new KeySuccession(null, Detached(newest));
        }

        var key = new ServerKeyEntity
        {
            Id = CommunityAccountResolver.Base64UrlEncode(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16)),
            Algorithm = algorithm,
            Usage = usage,
            PrivateKey = [],
            Certificate = certificate,
            CreatedAt = now,
            Version = (newest?.Version ?? 0) + 1,
            ActivatesAt = activatesAt < now ? now : activatesAt,
            Status = activatesAt <= now ? ServerKeyStatus.Active : ServerKeyStatus.Pending,
        };
        key.PrivateKey = _kek.Protect(privateKey, Purpose(key.Id));
        _db.ServerKeys.Add(key);
        var events = new List<AuditEventEntity>
        {
            _audit.Stage(new AuditEvent(actor, action, key.Id, new Dictionary<string, string>
            {
                ["algorithm"] = algorithm,
                ["usage"] = UsageName(usage),
                ["version"] = key.Version.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["activates_at"] = key.ActivatesAt.ToString("O", System.Globalization.CultureInfo.InvariantCulture),
            })),
        };
        if (key.Status == ServerKeyStatus.Active && newest is not null)
        {
            events.Add(_audit.Stage(Activated(actor, key)));
        }

        Supersede(keys, key.ActivatesAt + overlap, now);
        if (!TrySave(events))
        {
            return new KeySuccession(null, Versions(usage, algorithm).MaxBy(stored => stored.Version) is { } winner ? Detached(winner) : null);
        }

        return new KeySuccession(Detached(key), Detached(key));
    }

    /// <summary>Brings the pending key of a usage and algorithm forward to now (an operator rotating at once while a
    /// successor waits, e.g. a leaked key): it is audited <c>key.activated</c> and its predecessors retire
    /// <paramref name="overlap"/> from now (brought forward, never postponed). Null when no key is pending.</summary>
    public ServerKeyEntity? ActivateNow(ServerKeyUsage usage, string algorithm, TimeSpan overlap, string actor)
    {
        var now = _time.GetUtcNow();
        var keys = Versions(usage, algorithm);
        var pending = keys.Where(key => ServerKeyLifecycle.IsPublished(key, now) && key.ActivatesAt > now).MaxBy(key => key.Version);
        if (pending is null)
        {
            return null;
        }

        pending.ActivatesAt = now;
        pending.Status = ServerKeyStatus.Active;
        var events = new List<AuditEventEntity> { _audit.Stage(Activated(actor, pending)) };
        Supersede(keys.Where(key => key != pending), now + overlap, now, force: true);
        return TrySave(events) ? Detached(pending) : null;
    }

    /// <summary>Records what time has done since the last call, on whichever node sees it first (each transition is
    /// audited once): pending keys whose time came are <c>key.activated</c>, keys past their retirement <c>key.retired</c>.
    /// Returns how many keys changed.</summary>
    public int ApplyTransitions(string actor)
    {
        var now = _time.GetUtcNow();
        var changed = 0;
        foreach (var key in _db.ServerKeys.AsNoTracking().AsEnumerable().ToList())
        {
            if (key.Status != ServerKeyStatus.Retired && key.RetiresAt <= now)
            {
                changed += Transition(key, ServerKeyStatus.Retired, Retired(actor, key, "superseded, every token it signed has expired"));
            }
            else if (key.Status == ServerKeyStatus.Pending && key.ActivatesAt <= now)
            {
                changed += Transition(key, ServerKeyStatus.Active, Activated(actor, key));
            }
        }

        return changed;
    }

    /// <summary>The lower-case name operators see (<c>keys list</c>, audit details, <c>--use</c>).</summary>
    public static string UsageName(ServerKeyUsage usage) => usage switch
    {
        ServerKeyUsage.SamlSigning => "saml-signing",
        ServerKeyUsage.SamlDecryption => "saml-decryption",
        ServerKeyUsage.DemoIdpSigning => "demo-idp-signing",
        _ => usage.ToString().ToLowerInvariant(),
    };

    private List<ServerKeyEntity> Versions(ServerKeyUsage usage, string algorithm) =>
        [.. _db.ServerKeys.Where(key => key.Usage == usage && key.Algorithm == algorithm)];

    /// <summary>Gives every published predecessor that has none yet its retirement (with <paramref name="force"/>: brings
    /// a later one forward, never postpones it).</summary>
    private static void Supersede(IEnumerable<ServerKeyEntity> predecessors, DateTimeOffset retiresAt, DateTimeOffset now, bool force = false)
    {
        foreach (var predecessor in predecessors.Where(key => ServerKeyLifecycle.IsPublished(key, now) && (force || key.RetiresAt is null)))
        {
            if (predecessor.RetiresAt is null || retiresAt < predecessor.RetiresAt)
            {
                predecessor.RetiresAt = retiresAt;
            }
        }
    }

    private int Transition(ServerKeyEntity key, ServerKeyStatus to, AuditEvent auditEvent)
    {
        var from = key.Status;
        // Conditional: of two nodes seeing the same moment, one changes the row and audits it.
        if (_db.ServerKeys.Where(stored => stored.Id == key.Id && stored.Status == from).ExecuteUpdate(set => set.SetProperty(stored => stored.Status, to)) == 0)
        {
            return 0;
        }

        _audit.RecordAsync(auditEvent, CancellationToken.None).GetAwaiter().GetResult();
        return 1;
    }

    private bool TrySave(List<AuditEventEntity> events)
    {
        try
        {
            _db.SaveChanges();
        }
        catch (DbUpdateException)
        {
            // Another node stored the same version first: nothing of ours is kept.
            _db.ChangeTracker.Clear();
            return false;
        }

        events.ForEach(_audit.Written);
        return true;
    }

    private ServerKeyEntity Detached(ServerKeyEntity key) => new()
    {
        Id = key.Id, Algorithm = key.Algorithm, Usage = key.Usage, PrivateKey = [], Certificate = key.Certificate, CreatedAt = key.CreatedAt,
        Status = key.Status, Version = key.Version, ActivatesAt = key.ActivatesAt, RetiresAt = key.RetiresAt,
    };

    private static AuditEvent Activated(string actor, ServerKeyEntity key) => new(actor, AuditActions.KeyActivated, key.Id, new Dictionary<string, string>
    {
        ["usage"] = UsageName(key.Usage),
        ["version"] = key.Version.ToString(System.Globalization.CultureInfo.InvariantCulture),
    });

    private static AuditEvent Retired(string actor, ServerKeyEntity key, string reason) => new(actor, AuditActions.KeyRetired, key.Id, new Dictionary<string, string>
    {
        ["usage"] = UsageName(key.Usage),
        ["version"] = key.Version.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["reason"] = reason,
    });
}

/// <summary>What <see cref="ServerKeyStore.Successor"/> did: the key it stored (null: none), and the newest key of that usage and algorithm.</summary>
public sealed record KeySuccession(ServerKeyEntity? Created, ServerKeyEntity? Newest);

/// <summary>What an operator may see of a stored key.</summary>
public sealed record ServerKeyInfo(string Id, string Algorithm, ServerKeyUsage Usage, ServerKeyStatus Status, DateTimeOffset CreatedAt, bool Encrypted,
    int Version, DateTimeOffset ActivatesAt, DateTimeOffset? RetiresAt)
{
    public bool IsPublished(DateTimeOffset now) => ServerKeyLifecycle.IsPublished(Status, RetiresAt, now);

    public bool IsActivated(DateTimeOffset now) => IsPublished(now) && ActivatesAt <= now;
}
