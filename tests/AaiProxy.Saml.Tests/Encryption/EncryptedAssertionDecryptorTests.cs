using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Xml;
using AaiProxy.Saml.Encryption;
using AaiProxy.Saml.IdentityProvider;
using AaiProxy.Saml.Tests.Validation;
using AaiProxy.Saml.Validation;

namespace AaiProxy.Saml.Tests.Encryption;

/// <summary>
/// Counts the RSA private-key operations decryption performs, through the decryptor's unwrap seam:
/// the cost a sender who has not authenticated can make us pay is bounded by the structure alone.
/// </summary>
public sealed class EncryptedAssertionDecryptorTests
{
    private readonly SamlTestBed _bed = new();
    private readonly List<X509Certificate2> _tried = [];

    private static DecryptionRules Rules(bool responseSigned = false) => new(SamlTestBed.SpEntityId,
        [TestKeys.SpOldEncryption, TestKeys.SpEncryption], responseSigned, AllowTripleDes: false);

    private XmlElement EncryptedAssertion(SamlResponseContent? content = null) =>
        _bed.WriteDocument(content ?? SamlTestBed.Baseline() with { EncryptFor = TestKeys.SpEncryption })
            .Single("/samlp:Response/saml:EncryptedAssertion");

    private static XmlElement InlineKey(XmlElement encryptedAssertion) =>
        encryptedAssertion.Single("xenc:EncryptedData/ds:KeyInfo/xenc:EncryptedKey");

    private byte[]? CountingUnwrap(X509Certificate2 certificate, byte[] wrappedKey, RSAEncryptionPadding padding)
    {
        _tried.Add(certificate);
        using var rsa = certificate.GetRSAPrivateKey()!;
        try
        {
            return rsa.Decrypt(wrappedKey, padding);
        }
        catch (CryptographicException)
        {
            return null;
        }
    }

    [Fact]
    public void Refuses_300_encrypted_keys_without_any_rsa_operation()
    {
        var encryptedAssertion = EncryptedAssertion();
        var key = InlineKey(encryptedAssertion);
        for (var i = 0; i < 299; i++)
        {
            key.ParentNode!.AppendChild(key.CloneNode(deep: true));
        }

        var error = Assert.Throws<SamlValidationException>(() => EncryptedAssertionDecryptor.Decrypt(encryptedAssertion, Rules(), CountingUnwrap));

        Assert.Equal(SamlValidationError.DecryptionFailed, error.Error);
        Assert.Empty(_tried);
    }

    [Fact]
    public void Tries_a_key_without_names_with_each_of_our_certificates_and_no_more()
    {
        var decrypted = EncryptedAssertionDecryptor.Decrypt(EncryptedAssertion(), Rules(), CountingUnwrap);

        Assert.Equal("Assertion", decrypted.Assertion.LocalName);
        Assert.Equal([TestKeys.SpOldEncryption, TestKeys.SpEncryption], _tried);
    }

    [Fact]
    public void Tries_only_the_certificate_the_encrypted_key_names()
    {
        var encryptedAssertion = EncryptedAssertion();
        var key = InlineKey(encryptedAssertion);
        key.InsertAfter(EncryptedAssertionTests.KeyInfoNaming(key.OwnerDocument, TestKeys.SpEncryption), key.Single("xenc:EncryptionMethod"));

        EncryptedAssertionDecryptor.Decrypt(encryptedAssertion, Rules(), CountingUnwrap);

        Assert.Equal([TestKeys.SpEncryption], _tried);
    }

    [Fact]
    public void Never_tries_a_key_whose_recipient_is_another_service()
    {
        var encryptedAssertion = EncryptedAssertion();
        var ours = InlineKey(encryptedAssertion);
        var theirs = (XmlElement)ours.CloneNode(deep: true);
        theirs.SetAttribute("Recipient", "https://other-sp.example.org/shibboleth");
        ours.ParentNode!.InsertBefore(theirs, ours);
        ours.InsertAfter(EncryptedAssertionTests.KeyInfoNaming(ours.OwnerDocument, TestKeys.SpEncryption), ours.Single("xenc:EncryptionMethod"));

        EncryptedAssertionDecryptor.Decrypt(encryptedAssertion, Rules(), CountingUnwrap);

        Assert.Equal([TestKeys.SpEncryption], _tried);
    }

    [Fact]
    public void Refuses_aes_cbc_outside_a_signed_response_without_any_rsa_operation()
    {
        var encryptedAssertion = EncryptedAssertion(SamlTestBed.Baseline() with
        {
            EncryptFor = TestKeys.SpEncryption, ContentEncryption = AssertionContentEncryption.Aes256Cbc,
        });

        Assert.Throws<SamlValidationException>(() => EncryptedAssertionDecryptor.Decrypt(encryptedAssertion, Rules(), CountingUnwrap));
        Assert.Empty(_tried);

        EncryptedAssertionDecryptor.Decrypt(encryptedAssertion, Rules(responseSigned: true), CountingUnwrap);
        Assert.NotEmpty(_tried);
    }
}
