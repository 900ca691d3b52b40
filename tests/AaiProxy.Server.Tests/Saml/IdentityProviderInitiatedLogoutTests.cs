using System.Net;
using System.Security.Cryptography.X509Certificates;
using System.Xml;
using AaiProxy.Saml;
using AaiProxy.Saml.Bindings;
using AaiProxy.Server.Demo.IdentityProvider;
using AaiProxy.Server.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using static AaiProxy.Server.Tests.Saml.SamlBrowserSteps;

namespace AaiProxy.Server.Tests.Saml;

/// <summary>
/// Single Logout started by the IdP (Profiles 4.4.4.1, HTTP-Redirect): a LogoutRequest signed with
/// the IdP's metadata key ends the matching proxy session and is answered; anything else is refused.
/// </summary>
[Collection(PlainAssertionsProxyFixture.Collection)]
public sealed class IdentityProviderInitiatedLogoutTests(PlainAssertionsProxyFixture fixture)
{
    private readonly ProxyFactory _factory = fixture.Factory;
    private readonly DemoIdentityProvider _idp = fixture.Factory.Services.GetRequiredService<DemoIdentityProvider>();
    private readonly ServiceProviderSettings _serviceProvider = fixture.Factory.Services.GetRequiredService<ServiceProviderSettings>();

    [Fact]
    public async Task Signed_logout_request_ends_the_session_and_is_answered_with_success()
    {
        var (browser, subject) = await SignedInAsync("alice");
        var request = LogoutRequest(subject.NameId, subject.SessionIndex, out var requestId);

        using var answer = await browser.GetAsync(HttpRedirectBinding.Encode(_serviceProvider.SingleLogoutServiceUrl,
            SamlMessageKind.Request, request, "idp-relay-state", _idp.SigningCertificate));

        Assert.Equal(HttpStatusCode.Redirect, answer.StatusCode);
        var location = answer.Headers.Location!.OriginalString;
        Assert.StartsWith(_idp.SingleLogoutUrl.AbsoluteUri + "?", location, StringComparison.Ordinal);
        var response = HttpRedirectBinding.Decode(location[(location.IndexOf('?') + 1)..]);
        response.VerifySignature([_serviceProvider.SigningCertificate]);
        Assert.Equal("idp-relay-state", response.RelayState);
        Assert.Equal(requestId, response.Document.DocumentElement!.GetAttribute("InResponseTo"));
        Assert.Equal(SamlStatusCodes.Success, StatusCode(response.Document));
        Assert.False(await IsSignedInAsync(browser));
    }

    [Fact]
    public async Task Unsigned_logout_request_is_refused_and_the_session_stays()
    {
        var (browser, subject) = await SignedInAsync("alice");
        var request = LogoutRequest(subject.NameId, subject.SessionIndex, out _);

        using var answer = await browser.GetAsync(HttpRedirectBinding.Encode(_serviceProvider.SingleLogoutServiceUrl,
            SamlMessageKind.Request, request, relayState: null, signingCertificate: null));

        var page = await ReadFailurePageAsync(answer);
        Assert.Equal(HttpStatusCode.BadRequest, page.Status);
        Assert.Contains("The sign-out message from your identity provider is not valid.", page.Html);
        LogLine(_factory, page.CorrelationId, "SAML logout message rejected: The LogoutRequest is not signed.");
        Assert.True(await IsSignedInAsync(browser));
    }

    [Fact]
    public async Task Logout_request_signed_by_a_key_not_in_the_identity_providers_metadata_is_refused()
    {
        var (browser, subject) = await SignedInAsync("alice");
        var request = LogoutRequest(subject.NameId, subject.SessionIndex, out _);

        // Our own SP key is a perfectly good RSA key, just not the IdP's.
        using var answer = await browser.GetAsync(HttpRedirectBinding.Encode(_serviceProvider.SingleLogoutServiceUrl,
            SamlMessageKind.Request, request, relayState: null, _serviceProvider.SigningCertificate));

        var page = await ReadFailurePageAsync(answer);
        Assert.Equal(HttpStatusCode.BadRequest, page.Status);
        LogLine(_factory, page.CorrelationId, "signature is not valid");
        Assert.True(await IsSignedInAsync(browser));
    }

    [Fact]
    public async Task Logout_request_for_another_person_is_answered_requester_and_the_session_stays()
    {
        var (browser, subject) = await SignedInAsync("alice");
        var request = LogoutRequest("someone-else", subject.SessionIndex, out _);

        using var answer = await browser.GetAsync(HttpRedirectBinding.Encode(_serviceProvider.SingleLogoutServiceUrl,
            SamlMessageKind.Request, request, relayState: null, _idp.SigningCertificate));

        Assert.Equal(HttpStatusCode.Redirect, answer.StatusCode);
        var location = answer.Headers.Location!.OriginalString;
        var response = HttpRedirectBinding.Decode(location[(location.IndexOf('?') + 1)..]);
        Assert.Equal(SamlStatusCodes.Requester, StatusCode(response.Document));
        Assert.True(await IsSignedInAsync(browser));
    }

    /// <summary>Signs <paramref name="user"/> in and returns the NameID and SessionIndex the IdP asserted.</summary>
    private async Task<(HttpClient Browser, (string NameId, string SessionIndex) Subject)> SignedInAsync(string user)
    {
        var browser = _factory.CreateBrowser();
        var form = await ObtainResponseAsync(browser, user);
        using var consumed = await UpstreamLogin.PostToAcsAsync(browser, form);
        Assert.Equal(HttpStatusCode.Redirect, consumed.StatusCode);
        Assert.True(await IsSignedInAsync(browser));
        return (browser, SubjectOf(form));
    }

    private string LogoutRequest(string nameId, string sessionIndex, out string id) =>
        IdentityProviderLogoutRequest(_idp, _serviceProvider, nameId, sessionIndex, out id);

    private static string StatusCode(XmlDocument response) =>
        ((XmlElement)response.GetElementsByTagName("StatusCode", SamlNamespaces.Protocol)[0]!).GetAttribute("Value");
}
