using System.Xml;
using AaiProxy.Saml.Attributes;
using AaiProxy.Saml.IdentityProvider;
using AaiProxy.Saml.Metadata;
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

    private static IEnumerable<XmlElement> EncryptedKeys(XmlDocument document, string relativePath) =>
        document.Single("/samlp:Response/saml:EncryptedAssertion").All(relativePath);

    private static string Base64(string xml) => Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(xml));

    private async Task AssertDecryptionFailedAsync(string xml, string because)
    {
        var error = await _bed.RejectAsync(xml);

        Assert.Equal(SamlValidationError.DecryptionFailed, error.Error);
        Assert.Contains(because, error.Reason, StringComparison.Ordinal);
        Assert.True(error.FromEncryptedAssertion);
    }

    // GCM: a byte inside the ciphertext, before the tag; CBC: in the block that decides the padding.
    private XmlDocument TamperedCiphertext(SamlResponseContent content)
    {
        var document = _bed.WriteDocument(content);
        var cipherValue = document.Single("/samlp:Response/saml:EncryptedAssertion/xenc:EncryptedData/xenc:CipherData/xenc:CipherValue");
        var bytes = Convert.FromBase64String(cipherValue.InnerText);
        bytes[^17] ^= 0x5a;
        cipherValue.InnerText = Convert.ToBase64String(bytes);
        return document;
    }

    [Theory]
    [InlineData(AssertionContentEncryption.Aes256Gcm, false)]
    [InlineData(AssertionContentEncryption.Aes256Gcm, true)]
    [InlineData(AssertionContentEncryption.Aes256Cbc, true)]
    public async Task Accepts_signed_then_encrypted_assertion(AssertionContentEncryption content, bool signResponse)
    {
        var xml = _bed.Write(Encrypted(content) with { SignResponse = signResponse });
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

        await AssertDecryptionFailedAsync(document.OuterXml, "rsa-1_5");
    }

    [Fact]
    public async Task Rejects_tampered_ciphertext_with_the_uniform_decryption_error()
    {
        var document = TamperedCiphertext(Encrypted());

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

    [Theory]
    [InlineData(EncryptedKeyPlacement.PeerByRetrievalMethod)]
    [InlineData(EncryptedKeyPlacement.PeerByKeyName)]
    public async Task Accepts_an_encrypted_key_placed_beside_the_encrypted_data(EncryptedKeyPlacement placement)
    {
        var xml = _bed.Write(Encrypted() with { KeyPlacement = placement });
        Assert.Empty(EncryptedKeys(SamlTestBed.Load(xml), "xenc:EncryptedData/ds:KeyInfo/xenc:EncryptedKey"));

        var result = await _bed.ValidateAsync(xml);

        Assert.Equal("alice@example.org", result.FirstValue(SamlAttributeMap.EduPersonPrincipalName.Name));
    }

    // Only "#id" naming an EncryptedKey beside the EncryptedData is resolved: a remote or local file,
    // an element elsewhere in the Response, or a RetrievalMethod placed anywhere else is never followed.
    [Theory]
    [InlineData("file:///etc/passwd", "EncryptedData")]
    [InlineData("https://attacker.example/key.xml", "EncryptedData")]
    [InlineData("#elsewhere", "EncryptedData")]
    [InlineData("#_ek-1", "EncryptedKey")]
    public async Task Refuses_a_retrieval_method_instead_of_following_it(string uri, string placedIn)
    {
        var document = _bed.WriteDocument(Encrypted() with { KeyPlacement = EncryptedKeyPlacement.PeerByRetrievalMethod });
        var status = document.Single("/samlp:Response/samlp:Status");
        status.SetAttribute("ID", "elsewhere"); // a real element with that ID, outside the EncryptedAssertion
        var retrieval = document.Single("//ds:RetrievalMethod");
        retrieval.SetAttribute("URI", uri);
        if (placedIn == "EncryptedKey")
        {
            retrieval.ParentNode!.RemoveChild(retrieval);
            var keyInfo = document.CreateElement("ds", "KeyInfo", SamlNamespaces.XmlDsig);
            keyInfo.AppendChild(retrieval);
            var peer = document.Single("/samlp:Response/saml:EncryptedAssertion/xenc:EncryptedKey");
            peer.InsertAfter(keyInfo, peer.Single("xenc:EncryptionMethod"));
        }

        await AssertDecryptionFailedAsync(document.OuterXml, "RetrievalMethod");
    }

    [Fact]
    public async Task Refuses_hundreds_of_encrypted_keys_before_any_rsa_operation()
    {
        var document = _bed.WriteDocument(Encrypted());
        var key = EncryptedKeys(document, "xenc:EncryptedData/ds:KeyInfo/xenc:EncryptedKey").Single();
        for (var i = 0; i < 299; i++)
        {
            var copy = (XmlElement)key.CloneNode(deep: true);
            copy.Single("xenc:CipherData/xenc:CipherValue").InnerText = "not base64!"; // an unwrap attempt would fail on this first
            key.ParentNode!.AppendChild(copy);
        }

        await AssertDecryptionFailedAsync(document.OuterXml, "300 EncryptedKey elements; at most 2");
    }

    [Fact]
    public async Task Refuses_aes_cbc_outside_a_signed_response()
    {
        var xml = _bed.Write(Encrypted(AssertionContentEncryption.Aes256Cbc));

        await AssertDecryptionFailedAsync(xml, "only inside a signed Response");
    }

    [Fact]
    public async Task Rejects_tampered_aes_cbc_ciphertext_at_the_response_signature_before_decrypting()
    {
        var document = TamperedCiphertext(Encrypted(AssertionContentEncryption.Aes256Cbc) with { SignResponse = true });

        var error = await _bed.RejectAsync(document);

        Assert.Equal(SamlValidationError.SignatureInvalid, error.Error);
        Assert.True(error.FromEncryptedAssertion);
    }

    [Fact]
    public async Task Refuses_triple_des_content_encryption_by_default()
    {
        var xml = _bed.Write(Encrypted(AssertionContentEncryption.TripleDesCbc) with { SignResponse = true });

        await AssertDecryptionFailedAsync(xml, "tripledes-cbc");
    }

    [Fact]
    public async Task Accepts_triple_des_from_an_identity_provider_allowed_to_use_it_and_logs_each_use()
    {
        var logger = new RecordingLogger<SamlResponseValidator>();
        _bed.Options = new SamlValidationOptions
        {
            Policies = new Dictionary<string, IdentityProviderPolicy> { [SamlTestBed.IdpEntityId] = new(AllowTripleDes: true) },
        };
        var validator = new SamlResponseValidator(_bed.ServiceProvider,
            new InMemoryIdentityProviderMetadataProvider([_bed.IdentityProvider]), _bed.ReplayCache, _bed.Time, _bed.Options, logger);

        var result = await validator.ValidateAsync(Base64(_bed.Write(Encrypted(AssertionContentEncryption.TripleDesCbc) with { SignResponse = true })),
            SamlTestBed.Expect(SamlTestBed.RequestId));
        await validator.ValidateAsync(Base64(_bed.Write(Encrypted(AssertionContentEncryption.TripleDesCbc) with { SignResponse = true })),
            SamlTestBed.Expect(SamlTestBed.RequestId));

        Assert.Equal("alice@example.org", result.FirstValue(SamlAttributeMap.EduPersonPrincipalName.Name));
        Assert.Equal(2, logger.Entries.Count(entry => entry.EventId.Id == 6100
            && entry.Message.Contains(XmlSecurityAlgorithms.TripleDesCbc, StringComparison.Ordinal)
            && entry.Message.Contains(SamlTestBed.IdpEntityId, StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Does_not_log_a_legacy_algorithm_for_aes_gcm()
    {
        var logger = new RecordingLogger<SamlResponseValidator>();
        var validator = new SamlResponseValidator(_bed.ServiceProvider,
            new InMemoryIdentityProviderMetadataProvider([_bed.IdentityProvider]), _bed.ReplayCache, _bed.Time, _bed.Options, logger);

        await validator.ValidateAsync(Base64(_bed.Write(Encrypted())), SamlTestBed.Expect(SamlTestBed.RequestId));

        Assert.Empty(logger.Entries);
    }

    // The other key is not even parsed: its CipherValue is not base64, which would fail an attempt.
    [Theory]
    [InlineData("Recipient")]
    [InlineData("X509Certificate")]
    public async Task Skips_an_encrypted_key_addressed_to_someone_else(string addressedBy)
    {
        var document = _bed.WriteDocument(Encrypted());
        var ours = EncryptedKeys(document, "xenc:EncryptedData/ds:KeyInfo/xenc:EncryptedKey").Single();
        var theirs = (XmlElement)ours.CloneNode(deep: true);
        theirs.Single("xenc:CipherData/xenc:CipherValue").InnerText = "not base64!";
        if (addressedBy == "Recipient")
        {
            ours.SetAttribute("Recipient", SamlTestBed.SpEntityId);
            theirs.SetAttribute("Recipient", "https://other-sp.example.org/shibboleth");
        }
        else
        {
            theirs.InsertAfter(KeyInfoNaming(document, TestKeys.Attacker), theirs.Single("xenc:EncryptionMethod"));
        }

        ours.ParentNode!.InsertBefore(theirs, ours);

        var result = await _bed.ValidateAsync(document);

        Assert.Equal("alice@example.org", result.FirstValue(SamlAttributeMap.EduPersonPrincipalName.Name));
    }

    internal static XmlElement KeyInfoNaming(XmlDocument document, System.Security.Cryptography.X509Certificates.X509Certificate2 certificate)
    {
        var keyInfo = document.CreateElement("ds", "KeyInfo", SamlNamespaces.XmlDsig);
        var data = keyInfo.AppendChild(document.CreateElement("ds", "X509Data", SamlNamespaces.XmlDsig))!;
        data.AppendChild(document.CreateElement("ds", "X509Certificate", SamlNamespaces.XmlDsig))!.InnerText =
            Convert.ToBase64String(certificate.RawData);
        return keyInfo;
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
