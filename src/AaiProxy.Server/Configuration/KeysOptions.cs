namespace AaiProxy.Server.Configuration;

/// <summary>The key-encryption key that protects every private key at rest: section <c>AaiProxy:Keys</c>.
/// Give exactly one of <see cref="EncryptionKeyFile"/> and <see cref="EncryptionKey"/> (from the environment,
/// <c>AaiProxy__Keys__EncryptionKey</c>); outside <c>Production</c>, without either, one is generated into the data
/// directory (which then no longer protects a copy of that directory).</summary>
public sealed class KeysOptions
{
    /// <summary>A file holding the base64 of 32 random bytes (<c>head -c 32 /dev/urandom | base64</c>).</summary>
    public string? EncryptionKeyFile { get; set; }

    /// <summary>The base64 of 32 random bytes; set it through the environment, never in a configuration file.</summary>
    public string? EncryptionKey { get; set; }

    public const string GeneratedFileName = "key-encryption-key";

    /// <summary>The smallest <see cref="RsaSigningKeySize"/> accepted (NIST SP 800-57: acceptable through 2030).</summary>
    public const int MinimumRsaSigningKeySize = 2048;

    /// <summary>
    /// Bits of the RSA keys the proxy generates for RS256 token signing (the first key and every rotation's successor).
    /// 2048, as Keycloak and node oidc-provider generate: a 3072-bit signature costs about six times as much CPU, a third of
    /// a client-credentials token. Keys already stored keep their size until they rotate.
    /// </summary>
    public int RsaSigningKeySize { get; set; } = MinimumRsaSigningKeySize;

    /// <summary>Scheduled rotation of the OpenID provider's keys: <c>AaiProxy:Keys:Rotation</c>.</summary>
    public KeyRotationOptions Rotation { get; set; } = new();
}

/// <summary>
/// When the OpenID provider's signing and encryption keys rotate. A successor is published (JWKS) <see cref="PublishAhead"/>
/// before it signs; its predecessor stays in the key ring for the longest token lifetime plus <see cref="ClockSkew"/> after
/// that, so that every token it signed validates until it expires. SAML keys rotate only when an operator says so
/// (<c>keys rotate --usage saml</c>): federations register SP certificates by hand.
/// </summary>
public sealed class KeyRotationOptions
{
    /// <summary>How long a key signs before its successor takes over. <c>00:00:00</c>: no scheduled rotation.</summary>
    public TimeSpan Interval { get; set; } = TimeSpan.FromDays(90);

    /// <summary>How long a successor is published before it signs: longer than relying parties cache the JWKS.</summary>
    public TimeSpan PublishAhead { get; set; } = TimeSpan.FromDays(2);

    /// <summary>How often each node applies due rotations and reloads its key ring (another node's rotation becomes visible).</summary>
    public TimeSpan CheckInterval { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Added to the longest token lifetime to give the overlap: relying parties' clocks may be behind.</summary>
    public TimeSpan ClockSkew { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How long a new SAML key is in our SP metadata before we sign with it (federations and IdPs refresh metadata slowly).</summary>
    public TimeSpan SamlPublishAhead { get; set; } = TimeSpan.FromDays(14);

    /// <summary>How long a replaced SAML key stays usable (decryption: IdPs that still encrypt to it) after its successor took over.</summary>
    public TimeSpan SamlOverlap { get; set; } = TimeSpan.FromDays(14);
}

internal static class KeysOptionsValidation
{
    public static IEnumerable<string> Validate(KeysOptions keys, bool production)
    {
        var rotation = keys.Rotation;
        if (rotation.Interval < TimeSpan.Zero || (rotation.Interval > TimeSpan.Zero && rotation.Interval <= rotation.PublishAhead))
        {
            yield return "AaiProxy:Keys:Rotation:Interval must be 00:00:00 (no scheduled rotation) or longer than AaiProxy:Keys:Rotation:PublishAhead.";
        }

        if (rotation.CheckInterval < TimeSpan.FromSeconds(1) || rotation.CheckInterval >= rotation.PublishAhead)
        {
            yield return "AaiProxy:Keys:Rotation:CheckInterval must be at least 00:00:01 and shorter than PublishAhead: every node must publish a successor before any node signs with it.";
        }

        if (rotation.ClockSkew < TimeSpan.Zero || rotation.SamlPublishAhead < TimeSpan.Zero || rotation.SamlOverlap < TimeSpan.Zero)
        {
            yield return "AaiProxy:Keys:Rotation:ClockSkew, SamlPublishAhead and SamlOverlap must not be negative.";
        }

        if (keys.RsaSigningKeySize is < KeysOptions.MinimumRsaSigningKeySize or > 8192 || keys.RsaSigningKeySize % 8 != 0)
        {
            yield return $"AaiProxy:Keys:RsaSigningKeySize must be a whole number of bytes from {KeysOptions.MinimumRsaSigningKeySize} to 8192 bits (2048, 3072 or 4096).";
        }

        var file = !string.IsNullOrWhiteSpace(keys.EncryptionKeyFile);
        var value = !string.IsNullOrWhiteSpace(keys.EncryptionKey);
        if (file && value)
        {
            yield return "AaiProxy:Keys:EncryptionKeyFile and AaiProxy:Keys:EncryptionKey are both set: give one.";
        }
        else if (!file && !value && production)
        {
            yield return "AaiProxy:Keys:EncryptionKeyFile (or AaiProxy__Keys__EncryptionKey in the environment) is required in the Production environment: it encrypts the signing keys in the database and every other private key at rest. Create one with: head -c 32 /dev/urandom | base64 > /etc/aaiproxy/kek";
        }
        else if (file && !File.Exists(keys.EncryptionKeyFile))
        {
            yield return $"AaiProxy:Keys:EncryptionKeyFile '{keys.EncryptionKeyFile}' does not exist.";
        }
        else if (file || value)
        {
            var text = file ? File.ReadAllText(keys.EncryptionKeyFile!).Trim() : keys.EncryptionKey!.Trim();
            var bytes = new byte[64];
            if (!Convert.TryFromBase64String(text, bytes, out var length) || length != AaiProxy.Data.KeyEncryptionKey.KeySize)
            {
                yield return $"The key-encryption key ({(file ? "AaiProxy:Keys:EncryptionKeyFile" : "AaiProxy:Keys:EncryptionKey")}) must be the base64 of exactly 32 bytes.";
            }
        }
    }
}
