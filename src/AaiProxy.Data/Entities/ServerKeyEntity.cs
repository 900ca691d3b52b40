namespace AaiProxy.Data.Entities;

/// <summary>What a server key is used for.</summary>
public enum ServerKeyUsage
{
    /// <summary>Signs ID tokens and access tokens; published in the JWKS.</summary>
    Signing = 0,

    /// <summary>Encrypts OpenIddict's own tokens (authorization codes, refresh tokens); never published.</summary>
    Encryption = 1,

    /// <summary>Signs our SAML AuthnRequests and logout messages; its certificate is in the SP metadata.</summary>
    SamlSigning = 2,

    /// <summary>Decrypts assertions encrypted to us; its certificate is in the SP metadata.</summary>
    SamlDecryption = 3,

    /// <summary>Signs the embedded demo IdP's responses (demo only).</summary>
    DemoIdpSigning = 4,
}

/// <summary>Where a key is in its lifecycle. The times on the key decide what every node uses (<see cref="ServerKeyLifecycle"/>);
/// the status records which transitions were audited.</summary>
public enum ServerKeyStatus
{
    /// <summary>Signs (or encrypts, decrypts) new messages from <see cref="ServerKeyEntity.ActivatesAt"/> on.</summary>
    Active = 0,

    /// <summary>No longer published nor used: every token it signed has expired.</summary>
    Retired = 1,

    /// <summary>Published (JWKS, SP metadata) and known to every node, but not used before <see cref="ServerKeyEntity.ActivatesAt"/>.</summary>
    Pending = 2,
}

/// <summary>
/// A key of the proxy, persisted so that it (and its <c>kid</c>) survives restarts and is shared by every node.
/// Asymmetric keys are stored as PKCS#8, symmetric keys as raw bytes, both only encrypted under the key-encryption key.
/// </summary>
public sealed class ServerKeyEntity
{
    /// <summary>The JWK <c>kid</c>.</summary>
    public required string Id { get; set; }

    /// <summary>JWA name: RS256, ES256 (signing) or A256KW (encryption); RSA-OAEP for SAML decryption.</summary>
    public required string Algorithm { get; set; }

    public ServerKeyUsage Usage { get; set; }

    public required byte[] PrivateKey { get; set; }

    /// <summary>The DER X.509 certificate of a SAML key (published in metadata); null for the OpenID provider's keys.</summary>
    public byte[]? Certificate { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public ServerKeyStatus Status { get; set; }

    /// <summary>1, 2, …: per usage and algorithm, unique, so that two nodes rotating at once cannot both store a successor.</summary>
    public int Version { get; set; }

    /// <summary>From when the key signs new tokens (until then it is only published).</summary>
    public DateTimeOffset ActivatesAt { get; set; }

    /// <summary>When the key leaves the key ring: its successor's activation plus the longest token lifetime and the
    /// clock skew. Null while it has no successor.</summary>
    public DateTimeOffset? RetiresAt { get; set; }
}

/// <summary>What every node derives from a key's times: published, current, retired.</summary>
public static class ServerKeyLifecycle
{
    /// <summary>In the key ring (JWKS, SP metadata, decryption): stored, and not past its retirement.</summary>
    public static bool IsPublished(ServerKeyEntity key, DateTimeOffset now) => IsPublished(key.Status, key.RetiresAt, now);

    public static bool IsPublished(ServerKeyStatus status, DateTimeOffset? retiresAt, DateTimeOffset now) =>
        status != ServerKeyStatus.Retired && (retiresAt is null || retiresAt > now);

    /// <summary>Published and activated: it may sign; the one with the highest version does.</summary>
    public static bool IsActivated(ServerKeyEntity key, DateTimeOffset now) => IsPublished(key, now) && key.ActivatesAt <= now;
}
