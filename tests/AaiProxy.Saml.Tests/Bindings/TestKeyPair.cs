using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace AaiProxy.Saml.Tests.Bindings;

/// <summary>A self-signed RSA certificate made at test time: nothing secret is checked in.</summary>
internal sealed class TestKeyPair
{
    public TestKeyPair(string subject)
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest($"CN={subject}", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var now = DateTimeOffset.UtcNow;
        WithPrivateKey = request.CreateSelfSigned(now.AddDays(-1), now.AddYears(1));
        Public = X509CertificateLoader.LoadCertificate(WithPrivateKey.RawData);
    }

    public X509Certificate2 WithPrivateKey { get; }

    /// <summary>The certificate alone, as metadata publishes it.</summary>
    public X509Certificate2 Public { get; }

    public byte[] Sign(string text, HashAlgorithmName hash)
    {
        using var key = WithPrivateKey.GetRSAPrivateKey()!;
        return key.SignData(System.Text.Encoding.UTF8.GetBytes(text), hash, RSASignaturePadding.Pkcs1);
    }
}
