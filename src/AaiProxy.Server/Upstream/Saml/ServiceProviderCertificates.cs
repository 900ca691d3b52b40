using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace AaiProxy.Server.Upstream.Saml;

/// <summary>
/// Our SAML key pairs: loaded from configured PKCS#12 files, or generated once and kept in the data
/// directory so that the certificates in our published metadata stay the same across restarts.
/// </summary>
internal static class ServiceProviderCertificates
{
    private static readonly TimeSpan GeneratedValidity = TimeSpan.FromDays(3650);

    /// <summary>The key pair generated earlier at <paramref name="generatedPath"/>, or a new one stored there.</summary>
    public static X509Certificate2 LoadOrCreate(string generatedPath, string subjectName, X509KeyUsageFlags usage, TimeProvider time)
    {
        if (File.Exists(generatedPath))
        {
            return Load(generatedPath, passwordFile: null);
        }

        Directory.CreateDirectory(Path.GetDirectoryName(generatedPath)!);
        using var key = RSA.Create(3072);
        var request = new CertificateRequest($"CN={subjectName}", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509KeyUsageExtension(usage, critical: true));
        var now = time.GetUtcNow();
        using var created = request.CreateSelfSigned(now.AddMinutes(-5), now.Add(GeneratedValidity));
        var temporary = generatedPath + ".tmp";
        File.WriteAllBytes(temporary, created.Export(X509ContentType.Pkcs12));
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(temporary, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }

        // Two nodes starting at once on a shared directory: the first rename wins, both load it.
        try
        {
            File.Move(temporary, generatedPath, overwrite: false);
        }
        catch (IOException) when (File.Exists(generatedPath))
        {
            File.Delete(temporary);
        }

        return Load(generatedPath, passwordFile: null);
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
