using System.Text;
using System.Xml.Linq;
using AaiProxy.Data;
using AaiProxy.Server.Configuration;
using Microsoft.AspNetCore.DataProtection.XmlEncryption;
using Microsoft.Extensions.Options;

namespace AaiProxy.Server.Storage;

/// <summary>The <see cref="KeyEncryptionKey"/> from validated options: a file, the environment, or (outside
/// production only) one generated once into the data directory.</summary>
internal static partial class KeyEncryption
{
    public static KeyEncryptionKey Load(IServiceProvider services)
    {
        var proxy = services.GetRequiredService<IOptions<ProxyOptions>>().Value;
        var keys = proxy.Keys;
        var text = keys.EncryptionKeyFile is { Length: > 0 } file ? File.ReadAllText(file)
            : keys.EncryptionKey is { Length: > 0 } value ? value
            : Generated(proxy.DataDirectoryFullPath, services.GetRequiredService<ILogger<KeyEncryptionKey>>());
        return new KeyEncryptionKey(Convert.FromBase64String(text.Trim()));
    }

    private static string Generated(string dataDirectory, ILogger logger)
    {
        var path = Path.Combine(dataDirectory, KeysOptions.GeneratedFileName);
        if (!File.Exists(path))
        {
            PrivateFiles.Write(path, System.Text.Encoding.ASCII.GetBytes(
                Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(KeyEncryptionKey.KeySize))));
        }

        GeneratedKeyInUse(logger, path);
        return File.ReadAllText(path);
    }

    [LoggerMessage(EventId = 1004, Level = LogLevel.Warning, Message = "The key-encryption key was generated into {Path}, beside what it protects: set AaiProxy:Keys:EncryptionKeyFile outside development.")]
    private static partial void GeneratedKeyInUse(ILogger logger, string path);
}

/// <summary>Data-protection key files and Redis entries hold their master key only encrypted under the KEK
/// (ASP.NET Core's built-in encryptors need Windows DPAPI or a certificate; this one uses the KEK every node has).</summary>
internal sealed class KeyEncryptionXmlEncryptor(KeyEncryptionKey kek) : IXmlEncryptor
{
    public const string Purpose = "data-protection-key";

    public EncryptedXmlInfo Encrypt(XElement plaintextElement)
    {
        var plaintext = Encoding.UTF8.GetBytes(plaintextElement.ToString(SaveOptions.DisableFormatting));
        var element = new XElement("encryptedKey",
            new XComment(" AES-256-GCM under the proxy's key-encryption key (AaiProxy:Keys) "),
            new XElement("value", Convert.ToBase64String(kek.Protect(plaintext, Purpose))));
        return new EncryptedXmlInfo(element, typeof(KeyEncryptionXmlDecryptor));
    }
}

/// <summary>Created by data protection by type name, with the service provider.</summary>
internal sealed class KeyEncryptionXmlDecryptor(IServiceProvider services) : IXmlDecryptor
{
    public XElement Decrypt(XElement encryptedElement)
    {
        var protectedValue = Convert.FromBase64String((string?)encryptedElement.Element("value") ?? "");
        var plaintext = services.GetRequiredService<KeyEncryptionKey>().Unprotect(protectedValue, KeyEncryptionXmlEncryptor.Purpose);
        return XElement.Parse(Encoding.UTF8.GetString(plaintext));
    }
}
