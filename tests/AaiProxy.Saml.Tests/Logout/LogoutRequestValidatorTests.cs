using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Security.Cryptography.Xml;
using System.Xml;
using AaiProxy.Saml.Bindings;
using AaiProxy.Saml.Logout;
using AaiProxy.Saml.Tests.Bindings;
using static AaiProxy.Saml.Tests.Logout.LogoutTestFixture;

namespace AaiProxy.Saml.Tests.Logout;

public sealed class LogoutRequestValidatorTests
{
    private readonly LogoutTestFixture _fixture = new();

    private LogoutRequestValidator Validator => new(Settings, _fixture.IdentityProviders, _fixture.Time);

    private string Request(string? issuer = IdpEntityId, string destination = OurSlo, string? issueInstant = null,
        string notOnOrAfter = "2026-03-01T12:05:00Z", string nameId =
            "<saml:NameID Format=\"urn:oasis:names:tc:SAML:2.0:nameid-format:transient\" NameQualifier=\"https://idp.example.org/idp\" " +
            "SPNameQualifier=\"https://proxy.example.org/saml/metadata\">_tr<!-- comment -->ansient</saml:NameID>") =>
        "<samlp:LogoutRequest xmlns:samlp=\"urn:oasis:names:tc:SAML:2.0:protocol\" xmlns:saml=\"urn:oasis:names:tc:SAML:2.0:assertion\" " +
        $"ID=\"_lr1\" Version=\"2.0\" IssueInstant=\"{issueInstant ?? _fixture.Now}\" Destination=\"{destination}\" NotOnOrAfter=\"{notOnOrAfter}\">" +
        (issuer is null ? "" : $"<saml:Issuer>{issuer}</saml:Issuer>") +
        nameId +
        "<samlp:SessionIndex>_s1</samlp:SessionIndex><samlp:SessionIndex>_s2</samlp:SessionIndex>" +
        "</samlp:LogoutRequest>";

    [Fact]
    public async Task Accepts_a_signed_request_from_a_known_idp_and_reads_whose_sessions_to_end()
    {
        var validated = await Validator.ValidateAsync(Receive(SamlMessageKind.Request, Request(), IdpKey, "rs"));

        Assert.Equal("_lr1", validated.RequestId);
        Assert.Equal(IdpEntityId, validated.IdentityProvider.EntityId);
        Assert.Equal(new SamlNameId("_transient", "urn:oasis:names:tc:SAML:2.0:nameid-format:transient",
            "https://idp.example.org/idp", "https://proxy.example.org/saml/metadata"), validated.NameId);
        Assert.Equal(["_s1", "_s2"], validated.SessionIndexes);
        Assert.Equal("rs", validated.RelayState);
    }

    [Fact]
    public async Task Rejects_an_unsigned_request()
    {
        await AssertRejected(SamlLogoutError.Unsigned, Receive(SamlMessageKind.Request, Request(), signer: null));
    }

    [Fact]
    public async Task Rejects_a_request_signed_by_a_key_not_in_the_issuers_metadata()
    {
        await AssertRejected(SamlLogoutError.InvalidSignature, Receive(SamlMessageKind.Request, Request(), AttackerKey));
    }

    [Fact]
    public async Task Rejects_a_request_whose_only_valid_signature_is_an_embedded_one_with_its_own_key_info()
    {
        // An XML signature carrying the attacker's certificate in KeyInfo must never decide trust.
        var embedded = SignWithKeyInfo(Request(), AttackerKey);

        await AssertRejected(SamlLogoutError.Unsigned, Receive(SamlMessageKind.Request, embedded, signer: null));
        await AssertRejected(SamlLogoutError.InvalidSignature, Receive(SamlMessageKind.Request, embedded, AttackerKey));
    }

    [Fact]
    public async Task Rejects_a_request_from_an_unknown_issuer()
    {
        await AssertRejected(SamlLogoutError.UnknownIssuer,
            Receive(SamlMessageKind.Request, Request(issuer: "https://evil.example.org/idp"), AttackerKey));
    }

    [Fact]
    public async Task Rejects_a_request_without_issuer()
    {
        await AssertRejected(SamlLogoutError.MissingIssuer, Receive(SamlMessageKind.Request, Request(issuer: null), IdpKey));
    }

    [Fact]
    public async Task Rejects_a_request_addressed_to_another_endpoint()
    {
        await AssertRejected(SamlLogoutError.WrongDestination,
            Receive(SamlMessageKind.Request, Request(destination: "https://other-sp.example.org/slo"), IdpKey));
    }

    [Fact]
    public async Task Rejects_a_request_after_its_not_on_or_after_plus_skew()
    {
        var message = Receive(SamlMessageKind.Request, Request(), IdpKey);
        _fixture.Time.Advance(TimeSpan.FromMinutes(5) + TimeSpan.FromMinutes(3));

        await AssertRejected(SamlLogoutError.Expired, message);
    }

    [Fact]
    public async Task Accepts_a_request_within_the_clock_skew_after_not_on_or_after()
    {
        var message = Receive(SamlMessageKind.Request, Request(notOnOrAfter: "2026-03-01T11:59:00Z"), IdpKey);

        Assert.Equal("_lr1", (await Validator.ValidateAsync(message)).RequestId);
    }

    [Fact]
    public async Task Rejects_a_request_issued_long_ago_even_without_not_on_or_after()
    {
        var old = Request(issueInstant: "2026-03-01T11:50:00Z", notOnOrAfter: "2026-03-01T13:00:00Z");

        await AssertRejected(SamlLogoutError.Expired, Receive(SamlMessageKind.Request, old, IdpKey));
    }

    [Fact]
    public async Task Rejects_a_request_issued_in_the_future()
    {
        await AssertRejected(SamlLogoutError.IssuedInTheFuture,
            Receive(SamlMessageKind.Request, Request(issueInstant: "2026-03-01T12:10:00Z"), IdpKey));
    }

    [Fact]
    public async Task Rejects_an_encrypted_identifier()
    {
        var request = Request(nameId: "<saml:EncryptedID><xenc:EncryptedData xmlns:xenc=\"http://www.w3.org/2001/04/xmlenc#\"/></saml:EncryptedID>");

        await AssertRejected(SamlLogoutError.UnsupportedIdentifier, Receive(SamlMessageKind.Request, request, IdpKey));
    }

    [Fact]
    public async Task Rejects_a_logout_response_where_a_request_is_expected()
    {
        await AssertRejected(SamlLogoutError.UnexpectedMessage, Receive(SamlMessageKind.Response, Request(), IdpKey));
    }

    [Fact]
    public async Task Rejects_sha1_signature_from_an_idp_not_configured_for_it()
    {
        var error = await AssertRejected(SamlLogoutError.InvalidSignature, ReceiveSignedWithSha1(SamlMessageKind.Request, Request(), IdpKey));

        Assert.Equal(SamlBindingError.WeakSignatureAlgorithm, Assert.IsType<SamlBindingException>(error.InnerException).Error);
    }

    [Fact]
    public async Task Accepts_sha1_signature_from_an_idp_whose_login_policy_allows_sha1()
    {
        var validator = new LogoutRequestValidator(Settings, _fixture.IdentityProviders, _fixture.Time, Sha1AllowedForIdp());

        var validated = await validator.ValidateAsync(ReceiveSignedWithSha1(SamlMessageKind.Request, Request(), IdpKey));

        Assert.Equal("_lr1", validated.RequestId);
    }

    private async Task<SamlLogoutException> AssertRejected(SamlLogoutError expected, HttpRedirectMessage message)
    {
        var error = await Assert.ThrowsAsync<SamlLogoutException>(() => Validator.ValidateAsync(message).AsTask());
        Assert.Equal(expected, error.Error);
        return error;
    }

    private static string SignWithKeyInfo(string xml, TestKeyPair signer)
    {
        var document = new XmlDocument { PreserveWhitespace = true };
        document.LoadXml(xml);
        using var key = signer.WithPrivateKey.GetRSAPrivateKey()!;
        var signedXml = new SignedXml(document) { SigningKey = key };
        signedXml.SignedInfo!.CanonicalizationMethod = SignedXml.XmlDsigExcC14NTransformUrl;
        var reference = new Reference("#_lr1") { DigestMethod = SignedXml.XmlDsigSHA256Url };
        reference.AddTransform(new XmlDsigEnvelopedSignatureTransform());
        signedXml.AddReference(reference);
        signedXml.KeyInfo = new KeyInfo();
        signedXml.KeyInfo.AddClause(new KeyInfoX509Data(signer.Public));
        signedXml.ComputeSignature();
        var issuer = document.DocumentElement!.FirstChild!;
        document.DocumentElement.InsertAfter(document.ImportNode(signedXml.GetXml(), true), issuer);
        return document.OuterXml;
    }
}
