using System.Net;
using System.Xml;
using AaiProxy.Saml;
using AaiProxy.Saml.Bindings;
using AaiProxy.Server.Tests.Infrastructure;
using Microsoft.IdentityModel.JsonWebTokens;
using static AaiProxy.Server.Tests.Saml.SamlBrowserSteps;

namespace AaiProxy.Server.Tests.Saml;

/// <summary>
/// A client asking for REFEDS MFA (<c>acr_values</c>): the proxy asks the IdP for it
/// (RequestedAuthnContext), explains an IdP's NoAuthnContext, and never lets a weaker session stand in.
/// </summary>
[Collection(PlainAssertionsProxyFixture.Collection)]
public sealed class MultiFactorLoginTests(PlainAssertionsProxyFixture fixture)
{
    private readonly ProxyFactory _factory = fixture.Factory;

    [Fact]
    public async Task Identity_provider_that_cannot_do_mfa_ends_at_the_client_with_unmet_authentication_requirements()
    {
        var browser = _factory.CreateBrowser();
        var form = await ObtainResponseAsync(browser, "bob", acrValues: RefedsMfa);

        // The IdP answers NoAuthnContext: the ACS sends the browser back to the authorization request…
        using var answer = await UpstreamLogin.PostToAcsAsync(browser, form);
        Assert.Equal(HttpStatusCode.Redirect, answer.StatusCode);
        Assert.StartsWith("/connect/authorize?", answer.Headers.Location!.OriginalString, StringComparison.Ordinal);
        Assert.Contains(_factory.Logs.Lines, line => line.Contains(SamlStatusCodes.NoAuthnContext, StringComparison.Ordinal));

        // …which answers the client at its redirect URI (RFC 6749 §4.1.2.1), never strands the person here.
        using var toClient = await browser.GetAsync(answer.Headers.Location);
        Assert.Equal(HttpStatusCode.Redirect, toClient.StatusCode);
        var callback = toClient.Headers.Location!;
        Assert.StartsWith(OidcTestClient.PortalRedirectUri, callback.ToString(), StringComparison.Ordinal);
        Assert.Equal("unmet_authentication_requirements", OidcTestClient.Query(callback)["error"]);
        Assert.False(await IsSignedInAsync(browser));
    }

    [Fact]
    public async Task Person_with_mfa_asked_for_mfa_gets_an_id_token_whose_acr_is_refeds_mfa()
    {
        var tokens = await new OidcTestClient(_factory).CodeFlowAsync("alice", "openid", acrValues: RefedsMfa);

        var idToken = new JsonWebToken(tokens.GetProperty("id_token").GetString()!);
        Assert.Equal(RefedsMfa, idToken.GetClaim("acr").Value);
    }

    [Fact]
    public async Task Session_from_a_login_without_mfa_goes_back_upstream_asking_for_mfa_when_a_client_requires_it()
    {
        var browser = _factory.CreateBrowser();
        await OidcTestClient.AuthorizeAsync(browser, AuthorizeUrl(), "bob");
        Assert.True(await IsSignedInAsync(browser));

        var toIdp = await LoginPageAsync(browser, acrValues: RefedsMfa);

        var authnRequest = HttpRedirectBinding.Decode(toIdp.Query.TrimStart('?')).Document;
        var requested = Assert.Single(authnRequest.GetElementsByTagName("AuthnContextClassRef", SamlNamespaces.Assertion).Cast<XmlElement>());
        Assert.Equal(RefedsMfa, requested.InnerText);
    }
}
