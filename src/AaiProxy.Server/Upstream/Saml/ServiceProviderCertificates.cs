using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using AaiProxy.Data.Entities;
using AaiProxy.Server.Oidc;

namespace AaiProxy.Server.Upstream.Saml;

/// <summary>
/// Our SAML key pairs as certificates: generated (an RSA key with a self-signed certificate, stored in the database by
/// <see cref="ServiceProviderKeySource"/>), rebuilt from a stored key, or loaded from a PKCS#12 file an operator configured.
/// </summary>
internal static class ServiceProviderCertificates
{
    private static readonly TimeSpan GeneratedValidity = TimeSpan.FromDays(3650);

    /// <summary>What <see cref="AaiProxy.Data.KeyEncryptionKey.DerivePassword"/> derived the password of the key files that
    /// earlier versions generated into the data directory for (read once, to move them into the database).</summary>
    public const string PasswordPurpose = "generated-pkcs12";

    /// <summary>A new RSA key with a self-signed certificate for a SAML usage.</summary>
    public static KeyMaterial Generate(ServerKeyUsage usage, string algorithm, TimeProvider time)
    {
        var (subject, flags) = usage switch
        {
            ServerKeyUsage.SamlSigning => ("AaiProxy SAML signing", X509KeyUsageFlags.DigitalSignature),
            ServerKeyUsage.SamlDecryption => ("AaiProxy SAML encryption", X509KeyUsageFlags.KeyEncipherment | X509KeyUsageFlags.DataEncipherment),
            ServerKeyUsage.DemoIdpSigning => ("AaiProxy demo IdP", X509KeyUsageFlags.DigitalSignature),
            _ => throw new ArgumentOutOfRangeException(nameof(usage), usage, "Not a SAML key."),
        };
        using var rsa = RSA.Create(3072);
        var request = new CertificateRequest($"CN={subject}", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509KeyUsageExtension(flags, critical: true));
        var now = time.GetUtcNow();
        using var certificate = request.CreateSelfSigned(now.AddMinutes(-5), now.Add(GeneratedValidity));
        return new KeyMaterial(algorithm, rsa.ExportPkcs8PrivateKey(), certificate.RawData);
    }

    /// <summary>The certificate of a stored SAML key with its (decrypted) private key.</summary>
    public static X509Certificate2 FromStored(ServerKeyEntity key)
    {
        if (key.Certificate is null)
        {
            throw new InvalidOperationException($"The stored {key.Usage} key {key.Id} has no certificate.");
        }

        using var certificate = X509CertificateLoader.LoadCertificate(key.Certificate);
        using var rsa = RSA.Create();
        rsa.ImportPkcs8PrivateKey(key.PrivateKey, out _);
        return certificate.CopyWithPrivateKey(rsa);
    }

    /// <summary>A key file an earlier version generated into the data directory (protected with a password derived from
    /// the key-encryption key, or, older still, without one), as key material to store; null when there is none.</summary>
    public static KeyMaterial? ReadGeneratedFile(string path, string algorithm, string password)
    {
        if (!File.Exists(path))
        {
            return null;
        }

        X509Certificate2 certificate;
        try
        {
            certificate = X509CertificateLoader.LoadPkcs12FromFile(path, password, X509KeyStorageFlags.EphemeralKeySet | X509KeyStorageFlags.Exportable);
        }
        catch (CryptographicException)
        {
            certificate = X509CertificateLoader.LoadPkcs12FromFile(path, null, X509KeyStorageFlags.EphemeralKeySet | X509KeyStorageFlags.Exportable);
        }

        using (certificate)
        using (var rsa = certificate.GetRSAPrivateKey() ?? throw new InvalidOperationException($"The key file '{path}' holds no RSA private key."))
        {
            return new KeyMaterial(algorithm, rsa.ExportPkcs8PrivateKey(), certificate.RawData);
        }
    }

    /// <summary>A configured PKCS#12 file, which must hold a private key.</summary>
    public static X509Certificate2 Load(string path, string? passwordFile)
    {
        if (!File.Exists(path))
        {
            throw new InvalidOperationException($"The SAML certificate file '{path}' does not exist.");
        }

        var password = string.IsNullOrWhiteSpace(passwordFile) ? null : File.ReadAllText(passwordFile).TrimEnd();
        var certificate = X509CertificateLoader.LoadPkcs12FromFile(path, password, X509KeyStorageFlags.EphemeralKeySet);
        if (!certificate.HasPrivateKey)
        {
            throw new InvalidOperationException($"The SAML certificate file '{path}' holds no private key.");
        }

        return certificate;
    }
}
