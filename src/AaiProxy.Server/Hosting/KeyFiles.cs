using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using AaiProxy.Server.Configuration;
using AaiProxy.Server.Oidc;

namespace AaiProxy.Server.Hosting;

/// <summary>Reads a key an operator imports (<c>keys import --file</c>): PKCS#12 (<c>.p12</c>, <c>.pfx</c>) or PEM (a private
/// key, optionally encrypted, and for SAML its certificate). RSA keys become RS256, P-256 keys ES256.</summary>
internal static class KeyFiles
{
    /// <exception cref="InvalidOperationException">No such file, a wrong password, or no usable private key in it.</exception>
    public static KeyMaterial Read(string path, string? password)
    {
        if (!File.Exists(path))
        {
            throw new InvalidOperationException($"The key file '{path}' does not exist.");
        }

        try
        {
            var key = Path.GetExtension(path).ToLowerInvariant() is ".pfx" or ".p12" ? FromPkcs12(path, password) : FromPem(File.ReadAllText(path), password);
            return key.Certificate is null || Matches(key, key.Certificate) ? key
                : throw new InvalidOperationException($"The certificate in '{path}' is not the private key's.");
        }
        catch (Exception exception) when (exception is CryptographicException or ArgumentException)
        {
            throw new InvalidOperationException($"The key file '{path}' holds no usable private key (wrong password, or not PEM/PKCS#12): {exception.Message}", exception);
        }
    }

    private static bool Matches(KeyMaterial key, byte[] der)
    {
        using var certificate = X509CertificateLoader.LoadCertificate(der);
        using AsymmetricAlgorithm? published = (AsymmetricAlgorithm?)certificate.GetRSAPublicKey() ?? certificate.GetECDsaPublicKey();
        using AsymmetricAlgorithm secret = key.Algorithm == SigningAlgorithms.RS256 ? RSA.Create() : ECDsa.Create();
        secret.ImportPkcs8PrivateKey(key.PrivateKey, out _);
        return published is not null && published.ExportSubjectPublicKeyInfo().AsSpan().SequenceEqual(secret.ExportSubjectPublicKeyInfo());
    }

    private static KeyMaterial FromPkcs12(string path, string? password)
    {
        using var certificate = X509CertificateLoader.LoadPkcs12FromFile(path, password, X509KeyStorageFlags.EphemeralKeySet | X509KeyStorageFlags.Exportable);
        using var rsa = certificate.GetRSAPrivateKey();
        using var ecdsa = rsa is null ? certificate.GetECDsaPrivateKey() : null;
        return rsa is not null ? new KeyMaterial(SigningAlgorithms.RS256, rsa.ExportPkcs8PrivateKey(), certificate.RawData)
            : ecdsa is not null ? new KeyMaterial(SigningAlgorithms.ES256, ecdsa.ExportPkcs8PrivateKey(), certificate.RawData)
            : throw new InvalidOperationException($"The PKCS#12 file '{path}' holds no RSA or EC private key.");
    }

    private static KeyMaterial FromPem(string pem, string? password)
    {
        byte[]? certificate = null;
        if (pem.Contains("-----BEGIN CERTIFICATE-----", StringComparison.Ordinal))
        {
            using var loaded = X509Certificate2.CreateFromPem(pem);
            certificate = loaded.RawData;
        }

        try
        {
            using var rsa = RSA.Create();
            Import(rsa, pem, password);
            return new KeyMaterial(SigningAlgorithms.RS256, rsa.ExportPkcs8PrivateKey(), certificate);
        }
        catch (Exception exception) when (exception is CryptographicException or ArgumentException)
        {
            using var ecdsa = ECDsa.Create();
            Import(ecdsa, pem, password);
            if (ecdsa.KeySize != 256)
            {
                throw new InvalidOperationException("An EC key must be on P-256 (ES256).");
            }

            return new KeyMaterial(SigningAlgorithms.ES256, ecdsa.ExportPkcs8PrivateKey(), certificate);
        }
    }

    private static void Import(AsymmetricAlgorithm key, string pem, string? password)
    {
        if (password is null)
        {
            key.ImportFromPem(pem);
        }
        else
        {
            key.ImportFromEncryptedPem(pem, password);
        }

        // A PEM with only a public key imports too: the key must sign.
        _ = key is RSA rsa ? rsa.ExportRSAPrivateKey() : ((ECDsa)key).ExportECPrivateKey();
    }
}
