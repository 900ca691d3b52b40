namespace AaiProxy.Data.Entities;

/// <summary>What a server key is used for.</summary>
public enum ServerKeyUsage
{
    /// <summary>Signs ID tokens and access tokens; published in the JWKS.</summary>
    Signing = 0,

    /// <summary>Encrypts OpenIddict's own tokens (authorization codes, refresh tokens); never published.</summary>
    Encryption = 1,
}

public enum ServerKeyStatus
{
    Active = 0,
    Retired = 1,
}

/// <summary>
/// A key of the OpenID provider, persisted so that it (and its <c>kid</c>) survives restarts and is
/// shared by every node. Asymmetric keys are stored as PKCS#8, symmetric keys as raw bytes.
/// </summary>
public sealed class ServerKeyEntity
{
    /// <summary>The JWK <c>kid</c>.</summary>
    public required string Id { get; set; }

    /// <summary>JWA name: RS256, ES256 (signing) or A256KW (encryption).</summary>
    public required string Algorithm { get; set; }

    public ServerKeyUsage Usage { get; set; }

    public required byte[] PrivateKey { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public ServerKeyStatus Status { get; set; }
}
