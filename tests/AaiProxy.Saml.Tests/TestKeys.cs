using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace AaiProxy.Saml.Tests;

/// <summary>Key pairs generated once per test run (RSA generation is the slow part of the suite).</summary>
internal static class TestKeys
{
    private static readonly Lazy<X509Certificate2> IdpSigningLazy = new(() => Create("CN=Test IdP signing"));
    private static readonly Lazy<X509Certificate2> AttackerLazy = new(() => Create("CN=Attacker"));
    private static readonly Lazy<X509Certificate2> SpEncryptionLazy = new(() => Create("CN=Test SP encryption"));
    private static readonly Lazy<X509Certificate2> SpOldEncryptionLazy = new(() => Create("CN=Test SP old encryption"));

    public static X509Certificate2 IdpSigning => IdpSigningLazy.Value;

    /// <summary>A key that appears in no metadata.</summary>
    public static X509Certificate2 Attacker => AttackerLazy.Value;

    public static X509Certificate2 SpEncryption => SpEncryptionLazy.Value;

    public static X509Certificate2 SpOldEncryption => SpOldEncryptionLazy.Value;

    private static X509Certificate2 Create(string subject)
    {
        using var rsa = RSA.Create(2048);
        var request = new CertificateRequest(subject, rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var now = DateTimeOffset.UtcNow;
        return request.CreateSelfSigned(now.AddDays(-1), now.AddYears(1));
    }
}
