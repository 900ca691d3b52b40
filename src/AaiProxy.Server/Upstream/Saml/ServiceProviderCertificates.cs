using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace AaiProxy.Server.Upstream.Saml;

/// <summary>
/// Our SAML key pairs: loaded from configured PKCS#12 files, or generated once and kept in the data
/// directory so that the certificates in our published metadata stay the same across restarts. A generated
/// file is encrypted with a password derived from the key-encryption key (<see cref="PasswordPurpose"/>); one
/// an earlier version wrote without a password is rewritten with it.
/// </summary>
internal static class ServiceProviderCertificates
{
    private static readonly TimeSpan GeneratedValidity = TimeSpan.FromDays(3650);

    /// <summary>What <see cref="AaiProxy.Data.KeyEncryptionKey.DerivePassword"/> derives the files' password for.</summary>
    public const string PasswordPurpose = "generated-pkcs12";

    /// <summary>The key pair generated earlier at <paramref name="generatedPath"/>, or a new one stored there.</summary>
    public static X509Certificate2 LoadOrCreate(string generatedPath, string subjectName, X509KeyUsageFlags usage, string password, TimeProvider time)
    {
        if (File.Exists(generatedPath))
        {
            return LoadGenerated(generatedPath, password);
        }

        using var key = RSA.Create(3072);
        var request = new CertificateRequest($"CN={subjectName}", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509KeyUsageExtension(usage, critical: true));
        var now = time.GetUtcNow();
        using var created = request.CreateSelfSigned(now.AddMinutes(-5), now.Add(GeneratedValidity));
        Write(generatedPath, created, password, overwrite: false);
        return LoadGenerated(generatedPath, password);
    }

    private static X509Certificate2 LoadGenerated(string path, string password)
    {
        try
        {
            return X509CertificateLoader.LoadPkcs12FromFile(path, password, X509KeyStorageFlags.EphemeralKeySet | X509KeyStorageFlags.Exportable);
        }
        catch (CryptographicException)
        {
            // Written by an earlier version without a password: protect it now (a wrong KEK fails here too).
            using var legacy = X509CertificateLoader.LoadPkcs12FromFile(path, null, X509KeyStorageFlags.EphemeralKeySet | X509KeyStorageFlags.Exportable);
            Write(path, legacy, password, overwrite: true);
            return X509CertificateLoader.LoadPkcs12FromFile(path, password, X509KeyStorageFlags.EphemeralKeySet);
        }
    }

    private static void Write(string path, X509Certificate2 certificate, string password, bool overwrite) =>
        AaiProxy.Server.Storage.PrivateFiles.Write(path, certificate.Export(X509ContentType.Pkcs12, password), overwrite);

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
