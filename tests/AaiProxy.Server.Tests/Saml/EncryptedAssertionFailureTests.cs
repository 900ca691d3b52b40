using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Xml;
using AaiProxy.Saml;
using AaiProxy.Saml.Attributes;
using AaiProxy.Saml.IdentityProvider;
using AaiProxy.Server.Demo.IdentityProvider;
using AaiProxy.Server.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using static AaiProxy.Server.Tests.Saml.SamlBrowserSteps;

namespace AaiProxy.Server.Tests.Saml;

/// <summary>
/// Failures inside an encrypted assertion all look the same to whoever posted the response (no
/// decryption oracle), while the log keeps the specific reason. The demo IdP encrypts by default.
/// </summary>
public sealed class EncryptedAssertionFailureTests(ProxyFixture fixture) : IClassFixture<ProxyFixture>
{
    private readonly ProxyFactory _factory = fixture.Factory;

    [Fact]
    public async Task Every_decryption_failure_shows_the_same_page_and_logs_DecryptionFailed()
    {
        var tamperedContent = await PostAlteredAsync(response => FlipLastByte(ContentCipherValue(response)));
        var corruptedKey = await PostAlteredAsync(response => FlipLastByte(KeyCipherValue(response)));
        var wrongRecipient = await PostAlteredAsync(ReEncryptForAnotherKey);

        foreach (var page in new[] { tamperedContent, corruptedKey, wrongRecipient })
        {
            Assert.Equal(HttpStatusCode.BadRequest, page.Status);
            Assert.Contains("could not be decrypted or validated", page.Html);
            LogLine(_factory, page.CorrelationId, "response rejected with DecryptionFailed (encrypted assertion: True)");
        }

        Assert.Equal(tamperedContent.WithoutCorrelationId, corruptedKey.WithoutCorrelationId);
        Assert.Equal(tamperedContent.WithoutCorrelationId, wrongRecipient.WithoutCorrelationId);
    }

    [Fact]
    public async Task Invalid_content_inside_a_decryptable_assertion_shows_the_same_page_as_a_decryption_failure()
    {
        // Decrypts fine, but is meant for another service: the person must not learn that decryption
        // succeeded (in the clear this reads "meant for another service").
        var serviceProvider = _factory.Services.GetRequiredService<ServiceProviderSettings>();
        var otherAudience = await PostAlteredAsync(response => Replace(response, IssuedByTheDemoIdentityProvider(_factory,
            response, audience: "https://another-service.example.org/shibboleth", serviceProvider.DecryptionCertificates[0])));
        var undecryptable = await PostAlteredAsync(response => FlipLastByte(ContentCipherValue(response)));

        Assert.Equal(undecryptable.WithoutCorrelationId, otherAudience.WithoutCorrelationId);
        LogLine(_factory, otherAudience.CorrelationId, "response rejected with AudienceMismatch (encrypted assertion: True)");
        LogLine(_factory, undecryptable.CorrelationId, "response rejected with DecryptionFailed (encrypted assertion: True)");
    }

    /// <summary>Logs in as alice up to the IdP's encrypted answer, alters it, posts it from the same browser.</summary>
    private async Task<FailurePage> PostAlteredAsync(Action<XmlDocument> alter)
    {
        var browser = _factory.CreateBrowser();
        var form = await ObtainResponseAsync(browser, "alice");
        var response = form.ResponseXml();
        Assert.Single(response.GetElementsByTagName("EncryptedAssertion", SamlNamespaces.Assertion).Cast<XmlElement>());
        alter(response);
        using var answer = await UpstreamLogin.PostToAcsAsync(browser, form.WithResponse(response));
        return await ReadFailurePageAsync(answer);
    }

    // EncryptedAssertion/EncryptedData/CipherData/CipherValue: the AES-GCM ciphertext of the assertion.
    private static XmlElement ContentCipherValue(XmlDocument response) =>
        Child(Child(Single(response, "EncryptedData"), "CipherData"), "CipherValue");

    // EncryptedData/KeyInfo/EncryptedKey/CipherData/CipherValue: the RSA-OAEP wrapped content key.
    private static XmlElement KeyCipherValue(XmlDocument response) =>
        Child(Child(Single(response, "EncryptedKey"), "CipherData"), "CipherValue");

    private static void FlipLastByte(XmlElement cipherValue)
    {
        var bytes = Convert.FromBase64String(cipherValue.InnerText);
        bytes[^1] ^= 0x01;
        cipherValue.InnerText = Convert.ToBase64String(bytes);
    }

    // A genuine answer of the demo IdP (its key, this request), encrypted for a key pair that is not ours.
    private void ReEncryptForAnotherKey(XmlDocument response)
    {
        var serviceProvider = _factory.Services.GetRequiredService<ServiceProviderSettings>();
        Replace(response, IssuedByTheDemoIdentityProvider(_factory, response, serviceProvider.EntityId, NewEncryptionCertificate()));
    }

    private static void Replace(XmlDocument response, XmlDocument replacement) =>
        response.ReplaceChild(response.ImportNode(replacement.DocumentElement!, deep: true), response.DocumentElement!);

    private static X509Certificate2 NewEncryptionCertificate()
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=not the proxy", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        return request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
    }

    private static XmlElement Single(XmlDocument response, string localName) =>
        Assert.Single(response.GetElementsByTagName(localName, SamlNamespaces.XmlEnc).Cast<XmlElement>());

    private static XmlElement Child(XmlElement parent, string localName) =>
        Assert.Single(parent.ChildNodes.OfType<XmlElement>(), child => child.LocalName == localName && child.NamespaceURI == SamlNamespaces.XmlEnc);
}
