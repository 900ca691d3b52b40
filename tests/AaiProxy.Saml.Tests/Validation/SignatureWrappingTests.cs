using AaiProxy.Saml.Attributes;
using System.Security.Cryptography.X509Certificates;
using System.Xml;
using AaiProxy.Saml.IdentityProvider;
using AaiProxy.Saml.Validation;
using AaiProxy.Saml.Xml;

namespace AaiProxy.Saml.Tests.Validation;

/// <summary>
/// XML signature wrapping, after the catalogue of Somorovsky et al., "On Breaking SAML: Be Whoever You
/// Want to Be" (USENIX Security 2012) as implemented by SAML Raider (XSW1–XSW8): the signed element
/// stays intact somewhere while a forged copy sits where a naive consumer reads.
/// </summary>
public sealed class SignatureWrappingTests
{
    private readonly SamlTestBed _bed = new();

    private XmlDocument SignedResponse() =>
        _bed.WriteDocument(SamlTestBed.Baseline() with { SignAssertion = false, SignResponse = true });

    private XmlDocument SignedAssertion() => _bed.WriteDocument();

    private static XmlElement ForgedResponseCopy(XmlElement original)
    {
        var evil = original.WithoutSignature();
        evil.SetAttribute("ID", "_evil-response");
        evil.Single("saml:Assertion").Forged();
        return evil;
    }

    [Fact]
    public async Task XSW1_rejects_forged_response_with_original_response_inside_its_signature()
    {
        var document = SignedResponse();
        var original = document.Response();
        var evil = ForgedResponseCopy(original);
        var signature = original.SignatureOf();
        original.RemoveChild(signature);
        signature.AppendChild(original);
        evil.InsertAfter(signature, evil.Single("saml:Issuer"));
        document.AppendChild(evil);

        var error = await _bed.RejectAsync(document);

        Assert.Equal(SamlValidationError.AssertionNotDirectChild, error.Error);
    }

    [Fact]
    public async Task XSW2_rejects_forged_response_with_original_response_before_its_signature()
    {
        var document = SignedResponse();
        var original = document.Response();
        var evil = ForgedResponseCopy(original);
        var signature = original.SignatureOf();
        original.RemoveChild(signature);
        var issuer = evil.Single("saml:Issuer");
        evil.InsertAfter(signature, issuer);
        evil.InsertAfter(original, issuer);
        document.AppendChild(evil);

        var error = await _bed.RejectAsync(document);

        Assert.Equal(SamlValidationError.AssertionNotDirectChild, error.Error);
    }

    [Fact]
    public async Task XSW3_rejects_forged_assertion_with_the_signed_id_placed_before_the_original()
    {
        var document = SignedAssertion();
        var original = document.Assertion();
        document.Response().InsertBefore(original.WithoutSignature().Forged(), original);

        var error = await _bed.RejectAsync(document);

        Assert.Equal(SamlValidationError.MultipleAssertions, error.Error);
    }

    [Fact]
    public async Task XSW4_rejects_forged_assertion_wrapping_the_original()
    {
        var document = SignedAssertion();
        var original = document.Assertion();
        var evil = original.WithoutSignature().Forged();
        document.Response().ReplaceChild(evil, original);
        evil.AppendChild(original);

        var error = await _bed.RejectAsync(document);

        Assert.Equal(SamlValidationError.AssertionNotDirectChild, error.Error);
    }

    [Fact]
    public async Task XSW5_rejects_forged_signed_assertion_with_unsigned_original_copy_at_the_end()
    {
        var document = SignedAssertion();
        var original = document.Assertion();
        var copy = original.WithoutSignature();
        original.Forged();
        document.Response().AppendChild(copy);

        var error = await _bed.RejectAsync(document);

        Assert.Equal(SamlValidationError.MultipleAssertions, error.Error);
    }

    [Fact]
    public async Task XSW6_rejects_forged_assertion_with_original_copy_inside_its_signature()
    {
        var document = SignedAssertion();
        var original = document.Assertion();
        var copy = original.WithoutSignature();
        original.Forged().SignatureOf().AppendChild(copy);

        var error = await _bed.RejectAsync(document);

        Assert.Equal(SamlValidationError.AssertionNotDirectChild, error.Error);
    }

    [Fact]
    public async Task XSW7_rejects_original_assertion_hidden_in_extensions_next_to_forged_one()
    {
        var document = SignedAssertion();
        var response = document.Response();
        var original = document.Assertion();
        var extensions = document.CreateElement("samlp", "Extensions", SamlNamespaces.Protocol);
        response.InsertAfter(extensions, response.Single("saml:Issuer"));
        response.ReplaceChild(original.WithoutSignature().Forged(), original);
        extensions.AppendChild(original);

        var error = await _bed.RejectAsync(document);

        Assert.Equal(SamlValidationError.AssertionNotDirectChild, error.Error);
    }

    [Fact]
    public async Task XSW8_rejects_forged_assertion_with_original_copy_in_a_signature_object()
    {
        var document = SignedAssertion();
        var original = document.Assertion();
        var copy = original.WithoutSignature();
        var signatureObject = document.CreateElement("ds", "Object", SamlNamespaces.XmlDsig);
        signatureObject.AppendChild(copy);
        original.Forged().SignatureOf().AppendChild(signatureObject);

        var error = await _bed.RejectAsync(document);

        Assert.Equal(SamlValidationError.AssertionNotDirectChild, error.Error);
    }

    [Fact]
    public async Task Rejects_forged_assertion_under_an_intact_signature()
    {
        var document = SignedAssertion();
        document.Assertion().Forged();

        var error = await _bed.RejectAsync(document);

        Assert.Equal(SamlValidationError.SignatureInvalid, error.Error);
    }

    [Fact]
    public async Task Rejects_signature_whose_reference_names_another_element()
    {
        var document = SignedAssertion();
        document.Assertion().SetAttribute("ID", "_evil-assertion");

        var error = await _bed.RejectAsync(document);

        Assert.Equal(SamlValidationError.SignatureReferenceMismatch, error.Error);
    }

    [Fact]
    public async Task Rejects_a_second_element_carrying_the_signed_id()
    {
        var document = SignedAssertion();
        var response = document.Response();
        var extensions = document.CreateElement("samlp", "Extensions", SamlNamespaces.Protocol);
        var decoy = document.CreateElement("x", "Decoy", "urn:example:decoy");
        decoy.SetAttribute("Id", document.Assertion().GetAttribute("ID"));
        extensions.AppendChild(decoy);
        response.InsertAfter(extensions, response.Single("saml:Issuer"));

        var error = await _bed.RejectAsync(document);

        Assert.Equal(SamlValidationError.DuplicateId, error.Error);
    }

    [Fact]
    public async Task Rejects_response_without_any_signature()
    {
        var xml = _bed.Write(SamlTestBed.Baseline() with { SignAssertion = false });

        var error = await _bed.RejectAsync(xml);

        Assert.Equal(SamlValidationError.SignatureMissing, error.Error);
    }

    [Fact]
    public async Task Rejects_assertion_whose_signature_was_removed()
    {
        var document = SignedAssertion();
        var assertion = document.Assertion();
        assertion.RemoveChild(assertion.SignatureOf());

        var error = await _bed.RejectAsync(document);

        Assert.Equal(SamlValidationError.SignatureMissing, error.Error);
    }

    [Fact]
    public async Task Ignores_a_signature_moved_below_the_element_it_claims_to_sign()
    {
        var document = SignedAssertion();
        var assertion = document.Assertion();
        var signature = assertion.SignatureOf();
        assertion.RemoveChild(signature);
        assertion.Single("saml:Subject").AppendChild(signature);

        var error = await _bed.RejectAsync(document);

        Assert.Equal(SamlValidationError.SignatureMissing, error.Error);
    }

    [Fact]
    public async Task Rejects_signature_by_a_key_carried_in_key_info_but_absent_from_metadata()
    {
        var attacker = new SamlResponseWriter(SamlTestBed.IdpEntityId, TestKeys.Attacker, _bed.Time);
        var xml = attacker.Write(SamlTestBed.Baseline());
        Assert.Contains("X509Certificate", xml, StringComparison.Ordinal);

        var error = await _bed.RejectAsync(xml);

        Assert.Equal(SamlValidationError.SignatureInvalid, error.Error);
    }

    [Fact]
    public async Task Rejects_signed_response_wrapping_an_assertion_signed_by_another_key()
    {
        var attacker = new SamlResponseWriter(SamlTestBed.IdpEntityId, TestKeys.Attacker, _bed.Time);
        var xml = attacker.Write(SamlTestBed.Baseline() with { SignResponse = true });

        var error = await _bed.RejectAsync(xml);

        Assert.Equal(SamlValidationError.SignatureInvalid, error.Error);
    }

    private XmlDocument ResignedWithSha1()
    {
        var document = SignedAssertion();
        var assertion = document.Assertion();
        assertion.RemoveChild(assertion.SignatureOf());
        using var key = TestKeys.IdpSigning.GetRSAPrivateKey()!;
        EnvelopedSigner.Sign(assertion, key, XmlSecurityAlgorithms.RsaSha1, XmlSecurityAlgorithms.Sha1, TestKeys.IdpSigning);
        return document;
    }

    [Fact]
    public async Task Rejects_rsa_sha1_signature_by_default()
    {
        var error = await _bed.RejectAsync(ResignedWithSha1());

        Assert.Equal(SamlValidationError.Sha1NotAllowed, error.Error);
    }

    [Fact]
    public async Task Accepts_rsa_sha1_signature_from_an_identity_provider_allowed_to_use_it()
    {
        _bed.Options = new SamlValidationOptions
        {
            Policies = new Dictionary<string, IdentityProviderPolicy> { [SamlTestBed.IdpEntityId] = new(AllowSha1: true) },
        };

        var result = await _bed.ValidateAsync(ResignedWithSha1());

        Assert.Equal("k7q2m9x4@example.org", result.FirstValue(SamlAttributeMap.SubjectId.Name));
    }

    [Fact]
    public async Task Rejects_inclusive_canonicalization()
    {
        var document = SignedAssertion();
        document.Assertion().Single("ds:Signature/ds:SignedInfo/ds:CanonicalizationMethod")
            .SetAttribute("Algorithm", "http://www.w3.org/TR/2001/REC-xml-c14n-20010315");

        var error = await _bed.RejectAsync(document);

        Assert.Equal(SamlValidationError.SignatureTransformNotAllowed, error.Error);
    }

    [Fact]
    public async Task Rejects_an_xpath_transform()
    {
        var document = SignedAssertion();
        var transform = document.Assertion().Single("ds:Signature/ds:SignedInfo/ds:Reference/ds:Transforms/ds:Transform[2]");
        transform.SetAttribute("Algorithm", "http://www.w3.org/TR/1999/REC-xpath-19991116");

        var error = await _bed.RejectAsync(document);

        Assert.Equal(SamlValidationError.SignatureTransformNotAllowed, error.Error);
    }

    [Fact]
    public async Task Rejects_a_signature_with_two_references()
    {
        var document = SignedAssertion();
        var reference = document.Assertion().Single("ds:Signature/ds:SignedInfo/ds:Reference");
        reference.ParentNode!.AppendChild(reference.CloneNode(deep: true));

        var error = await _bed.RejectAsync(document);

        Assert.Equal(SamlValidationError.SignatureStructureInvalid, error.Error);
    }

    [Fact]
    public async Task Rejects_a_second_assertion_even_when_both_are_validly_signed()
    {
        var document = SignedAssertion();
        var second = SamlTestBed.Load(_bed.Write()).Assertion();
        document.Response().AppendChild(document.ImportNode(second, deep: true));

        var error = await _bed.RejectAsync(document);

        Assert.Equal(SamlValidationError.MultipleAssertions, error.Error);
    }

    [Fact]
    public async Task Reads_name_id_whole_when_a_comment_splits_it()
    {
        var document = SignedAssertion();
        var nameId = document.Assertion().Single("saml:Subject/saml:NameID");
        // The IdP signed "p-7f3a9c21e0"; a comment after "p-7f3" leaves the signature intact
        // (exclusive c14n drops comments) and must not shorten what we read.
        nameId.InnerText = "";
        nameId.AppendChild(document.CreateTextNode("p-7f3"));
        nameId.AppendChild(document.CreateComment(""));
        nameId.AppendChild(document.CreateTextNode("a9c21e0"));

        var result = await _bed.ValidateAsync(document);

        Assert.Equal("p-7f3a9c21e0", result.Session.NameId);
        Assert.Equal("p-7f3a9c21e0", result.Session.NameId);
    }

    [Fact]
    public async Task Reads_attribute_value_whole_when_a_comment_splits_it()
    {
        var document = SignedAssertion();
        var eppn = document.Assertion().AttributeValue(SamlAttributeMap.EduPersonPrincipalName.Name);
        eppn.InnerText = "";
        eppn.AppendChild(document.CreateTextNode("alice@example"));
        eppn.AppendChild(document.CreateComment("truncate here?"));
        eppn.AppendChild(document.CreateTextNode(".org"));

        var result = await _bed.ValidateAsync(document);

        Assert.Equal("alice@example.org", result.FirstValue(SamlAttributeMap.EduPersonPrincipalName.Name));
    }
}
