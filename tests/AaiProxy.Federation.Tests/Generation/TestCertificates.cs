using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using AaiProxy.Federation.Generation;

namespace AaiProxy.Federation.Tests.Generation;

/// <summary>Keys made once per test run (RSA generation is the slow part); nothing secret is checked in.</summary>
internal static class TestCertificates
{
    private static readonly Lazy<X509Certificate2> FederationSignerLazy = new(() => GeneratedCertificates.Create("Federation signer", 2048));
    private static readonly Lazy<X509Certificate2> OtherSignerLazy = new(() => GeneratedCertificates.Create("Another federation", 2048));
    private static readonly Lazy<X509Certificate2> WeakSignerLazy = new(() => GeneratedCertificates.Create("Weak federation signer", 1024));
    private static readonly Lazy<X509Certificate2> EcSignerLazy = new(() =>
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=EC federation signer", key, HashAlgorithmName.SHA256);
        return request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(5));
    });

    /// <summary>The federation operator's signing key (with private key).</summary>
    public static X509Certificate2 FederationSigner => FederationSignerLazy.Value;

    /// <summary>A valid signer the tests' sources do not trust.</summary>
    public static X509Certificate2 OtherSigner => OtherSignerLazy.Value;

    /// <summary>An ECDSA P-256 federation signer (MAPS allows ECDSA).</summary>
    public static X509Certificate2 EcSigner => EcSignerLazy.Value;

    /// <summary>RSA-1024: below the MAPS minimum.</summary>
    public static X509Certificate2 WeakSigner => WeakSignerLazy.Value;

    /// <summary>Public certificates entities publish (shared between entities, as in real aggregates).</summary>
    public static IReadOnlyList<X509Certificate2> EntityCertificates => GeneratedCertificates.EntityPool;

    /// <summary>The signer's certificate alone, as a federation publishes it for pinning.</summary>
    public static X509Certificate2 PublicPart(X509Certificate2 certificate) => GeneratedCertificates.PublicPart(certificate);

    public static string Sha256Fingerprint(X509Certificate2 certificate) =>
        string.Join(':', certificate.GetCertHash(HashAlgorithmName.SHA256).Select(b => b.ToString("X2")));
}
