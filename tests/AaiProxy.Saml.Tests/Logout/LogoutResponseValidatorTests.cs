using AaiProxy.Saml.Bindings;
using AaiProxy.Saml.Logout;
using static AaiProxy.Saml.Tests.Logout.LogoutTestFixture;

namespace AaiProxy.Saml.Tests.Logout;

public sealed class LogoutResponseValidatorTests
{
    private const string OurRequestId = "_ours";
    private readonly LogoutTestFixture _fixture = new();

    private LogoutResponseValidator Validator => new(Settings, _fixture.IdentityProviders, _fixture.Time);

    private string Response(string inResponseTo = OurRequestId, string status =
        "<samlp:StatusCode Value=\"urn:oasis:names:tc:SAML:2.0:status:Success\"/>") =>
        "<samlp:LogoutResponse xmlns:samlp=\"urn:oasis:names:tc:SAML:2.0:protocol\" xmlns:saml=\"urn:oasis:names:tc:SAML:2.0:assertion\" " +
        $"ID=\"_resp\" Version=\"2.0\" IssueInstant=\"{_fixture.Now}\" Destination=\"{OurSlo}\" InResponseTo=\"{inResponseTo}\">" +
        $"<saml:Issuer>{IdpEntityId}</saml:Issuer><samlp:Status>{status}</samlp:Status></samlp:LogoutResponse>";

    [Fact]
    public async Task Accepts_the_idps_signed_success_answer_to_our_request()
    {
        var validated = await Validator.ValidateAsync(Receive(SamlMessageKind.Response, Response(), IdpKey, "back"), OurRequestId, IdpEntityId);

        Assert.True(validated.IsSuccess);
        Assert.Equal(OurRequestId, validated.InResponseTo);
        Assert.Equal("back", validated.RelayState);
    }

    [Fact]
    public async Task Reports_partial_logout_as_not_successful()
    {
        var status = "<samlp:StatusCode Value=\"urn:oasis:names:tc:SAML:2.0:status:Success\">" +
            "<samlp:StatusCode Value=\"urn:oasis:names:tc:SAML:2.0:status:PartialLogout\"/></samlp:StatusCode>" +
            "<samlp:StatusMessage>Some services did not answer</samlp:StatusMessage>";

        var validated = await Validator.ValidateAsync(Receive(SamlMessageKind.Response, Response(status: status), IdpKey), OurRequestId, IdpEntityId);

        Assert.False(validated.IsSuccess);
        Assert.Equal(SamlStatusCodes.PartialLogout, validated.SecondLevelStatusCode);
        Assert.Equal("Some services did not answer", validated.StatusMessage);
    }

    [Fact]
    public async Task Rejects_an_answer_to_another_request()
    {
        await AssertRejected(SamlLogoutError.InResponseToMismatch,
            Receive(SamlMessageKind.Response, Response(inResponseTo: "_someone_elses"), IdpKey), IdpEntityId);
    }

    [Fact]
    public async Task Accepts_a_sha1_signed_answer_from_an_idp_whose_login_policy_allows_sha1()
    {
        var validator = new LogoutResponseValidator(Settings, _fixture.IdentityProviders, _fixture.Time, Sha1AllowedForIdp());

        var validated = await validator.ValidateAsync(ReceiveSignedWithSha1(SamlMessageKind.Response, Response(), IdpKey), OurRequestId, IdpEntityId);

        Assert.True(validated.IsSuccess);
    }

    [Fact]
    public async Task Rejects_a_sha1_signed_answer_by_default()
    {
        await AssertRejected(SamlLogoutError.InvalidSignature, ReceiveSignedWithSha1(SamlMessageKind.Response, Response(), IdpKey), IdpEntityId);
    }

    [Fact]
    public async Task Rejects_an_unsigned_answer()
    {
        await AssertRejected(SamlLogoutError.Unsigned, Receive(SamlMessageKind.Response, Response(), signer: null), IdpEntityId);
    }

    [Fact]
    public async Task Rejects_an_answer_signed_by_a_key_not_in_metadata()
    {
        await AssertRejected(SamlLogoutError.InvalidSignature, Receive(SamlMessageKind.Response, Response(), AttackerKey), IdpEntityId);
    }

    [Fact]
    public async Task Rejects_an_answer_from_an_idp_our_request_did_not_go_to()
    {
        await AssertRejected(SamlLogoutError.WrongIssuer, Receive(SamlMessageKind.Response, Response(), IdpKey), "https://other.example.org/idp");
    }

    [Fact]
    public async Task Rejects_an_answer_without_status()
    {
        var noStatus = Response().Replace("<samlp:Status><samlp:StatusCode Value=\"urn:oasis:names:tc:SAML:2.0:status:Success\"/></samlp:Status>",
            "", StringComparison.Ordinal);

        await AssertRejected(SamlLogoutError.MalformedMessage, Receive(SamlMessageKind.Response, noStatus, IdpKey), IdpEntityId);
    }

    private async Task AssertRejected(SamlLogoutError expected, HttpRedirectMessage message, string expectedIssuer)
    {
        var error = await Assert.ThrowsAsync<SamlLogoutException>(() =>
            Validator.ValidateAsync(message, OurRequestId, expectedIssuer).AsTask());
        Assert.Equal(expected, error.Error);
    }
}
