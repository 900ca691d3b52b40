using System.Xml;
using AaiProxy.Saml.Attributes;
using AaiProxy.Saml.IdentityProvider;
using AaiProxy.Saml.Validation;
using AaiProxy.Saml.Xml;

namespace AaiProxy.Saml.Tests.Validation;

public sealed class EncryptedAssertionTests
{
    private readonly SamlTestBed _bed = new();

    private static SamlResponseContent Encrypted(AssertionContentEncryption content = AssertionContentEncryption.Aes256Gcm) =>
        SamlTestBed.Baseline() with { EncryptFor = TestKeys.SpEncryption, ContentEncryption = content };

    private static XmlElement EncryptedKeyMethod(XmlDocument document) =>
        document.Single("/samlp:Response/saml:EncryptedAssertion/xenc:EncryptedData/ds:KeyInfo/xenc:EncryptedKey/xenc:EncryptionMethod");

    private static XmlElement ContentCipherValue(XmlDocument document) =>
        document.Single("/samlp:Response/saml:EncryptedAssertion/xenc:EncryptedData/xenc:CipherData/xenc:CipherValue");

    [Theory]
    [InlineData(AssertionContentEncryption.Aes256Gcm)]
    [InlineData(AssertionContentEncryption.Aes256Cbc)]
    public async Task Accepts_signed_then_encrypted_assertion(AssertionContentEncryption content)
    {
        var xml = _bed.Write(Encrypted(content));
        Assert.DoesNotContain("alice@example.org", xml, StringComparison.Ordinal);

        var result = await _bed.ValidateAsync(xml);

        Assert.Equal("alice@example.org", result.FirstValue(SamlAttributeMap.EduPersonPrincipalName.Name));
    }

    [Fact]
    public async Task Accepts_xml_encryption_11_rsa_oaep_with_sha256()
    {
        var xml = _bed.Write(Encrypted() with { KeyTransport = AssertionKeyTransport.RsaOaepSha256 });

        var result = await _bed.ValidateAsync(xml);

        Assert.Equal("k7q2m9x4@example.org", result.FirstValue(SamlAttributeMap.SubjectId.Name));
    }

    [Fact]
    public async Task Accepts_encrypted_unsigned_assertion_inside_a_signed_response()
    {
        var xml = _bed.Write(Encrypted() with { SignAssertion = false, SignResponse = true });

        var result = await _bed.ValidateAsync(xml);

        Assert.Equal("k7q2m9x4@example.org", result.FirstValue(SamlAttributeMap.SubjectId.Name));
    }

    [Fact]
    public async Task Rejects_encrypted_but_unsigned_assertion()
    {
        var xml = _bed.Write(Encrypted() with { SignAssertion = false });

        var error = await _bed.RejectAsync(xml);

        Assert.Equal(SamlValidationError.SignatureMissing, error.Error);
        Assert.True(error.FromEncryptedAssertion);
    }

    [Fact]
    public async Task Refuses_rsa_1_5_key_transport_before_unwrapping_any_key()
    {
        var document = _bed.WriteDocument(Encrypted());
        var method = EncryptedKeyMethod(document);
        method.SetAttribute("Algorithm", XmlSecurityAlgorithms.RsaPkcs1v15);
        // Not a decryptable key at all: had we tried to unwrap it, the reason would be the unwrap failure.
        ((XmlElement)method.ParentNode!).Single("xenc:CipherData/xenc:CipherValue").InnerText = "AAAA";

        var error = await _bed.RejectAsync(document);

        Assert.Equal(SamlValidationError.DecryptionFailed, error.Error);
        Assert.Contains("rsa-1_5", error.Reason, StringComparison.Ordinal);
        Assert.True(error.FromEncryptedAssertion);
    }

    [Theory]
    [InlineData(AssertionContentEncryption.Aes256Gcm)]
    [InlineData(AssertionContentEncryption.Aes256Cbc)]
    public async Task Rejects_tampered_ciphertext_with_the_uniform_decryption_error(AssertionContentEncryption content)
    {
        var document = _bed.WriteDocument(Encrypted(content));
        var cipherValue = ContentCipherValue(document);
        var bytes = Convert.FromBase64String(cipherValue.InnerText);
        bytes[^17] ^= 0x5a; // GCM: inside the ciphertext; CBC: the block that decides the padding
        cipherValue.InnerText = Convert.ToBase64String(bytes);

        var error = await _bed.RejectAsync(document);

        Assert.Equal(SamlValidationError.DecryptionFailed, error.Error);
        Assert.True(error.FromEncryptedAssertion);
    }

    [Fact]
    public async Task Rejects_assertion_encrypted_to_a_key_we_do_not_hold_with_the_same_error_as_tampering()
    {
        var xml = _bed.Write(SamlTestBed.Baseline() with { EncryptFor = TestKeys.Attacker });

        var error = await _bed.RejectAsync(xml);

        Assert.Equal(SamlValidationError.DecryptionFailed, error.Error);
        Assert.True(error.FromEncryptedAssertion);
    }

    [Fact]
    public async Task Refuses_a_retrieval_method_instead_of_following_it()
    {
        var document = _bed.WriteDocument(Encrypted());
        var keyInfo = (XmlElement)EncryptedKeyMethod(document).ParentNode!.ParentNode!;
        var retrieval = document.CreateElement("ds", "RetrievalMethod", SamlNamespaces.XmlDsig);
        retrieval.SetAttribute("URI", "file:///etc/passwd");
        keyInfo.AppendChild(retrieval);

        var error = await _bed.RejectAsync(document);

        Assert.Equal(SamlValidationError.DecryptionFailed, error.Error);
        Assert.Contains("RetrievalMethod", error.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Validates_the_decrypted_assertion_like_a_plain_one()
    {
        var xml = _bed.Write(Encrypted() with { Audience = "https://other-sp.example.org/shibboleth" });

        var error = await _bed.RejectAsync(xml);

        Assert.Equal(SamlValidationError.AudienceMismatch, error.Error);
        Assert.True(error.FromEncryptedAssertion);
    }
}
