using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace AaiProxy.Federation.Generation;

/// <summary>Keys made once per process (RSA generation is the slow part); nothing secret is ever stored.</summary>
public static class GeneratedCertificates
{
    private static readonly Lazy<X509Certificate2[]> EntityPoolLazy = new(() =>
        [.. Enumerable.Range(0, 4).Select(i => PublicPart(Create($"IdP key {i}", 2048)))]);

    /// <summary>Four public certificates the generated entities share.</summary>
    public static IReadOnlyList<X509Certificate2> EntityPool => EntityPoolLazy.Value;

    /// <summary>A self-signed RSA certificate with its private key, valid from yesterday for five years.</summary>
    public static X509Certificate2 Create(string subject, int bits)
    {
        using var key = RSA.Create(bits);
        var request = new CertificateRequest($"CN={subject}", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var now = DateTimeOffset.UtcNow;
        return request.CreateSelfSigned(now.AddDays(-1), now.AddYears(5));
    }

    /// <summary>The certificate alone, as a federation publishes it for pinning.</summary>
    public static X509Certificate2 PublicPart(X509Certificate2 certificate) => X509CertificateLoader.LoadCertificate(certificate.RawData);
}
