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
}

internal static class KeysOptionsValidation
{
    public static IEnumerable<string> Validate(KeysOptions keys, bool production)
    {
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
