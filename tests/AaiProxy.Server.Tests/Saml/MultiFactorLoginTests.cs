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
    public async Task Person_without_mfa_asked_for_mfa_is_told_why_in_plain_words_and_the_status_is_logged()
    {
        var browser = _factory.CreateBrowser();
        var form = await ObtainResponseAsync(browser, "bob", acrValues: RefedsMfa);

        using var answer = await UpstreamLogin.PostToAcsAsync(browser, form);

        var page = await ReadFailurePageAsync(answer);
        Assert.Equal(HttpStatusCode.Unauthorized, page.Status);
        Assert.Contains("multi-factor authentication", page.Html);
        Assert.Contains("identity_provider_refused", page.Html);
        LogLine(_factory, page.CorrelationId, SamlStatusCodes.NoAuthnContext);
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

        var login = await LoginPageAsync(browser, acrValues: RefedsMfa);

        Assert.Equal(RefedsMfa, OidcTestClient.Query(login)["acr_values"]);
        using var samlLogin = await browser.GetAsync(login);
        using var toIdp = await browser.GetAsync(samlLogin.Headers.Location);
        Assert.Equal(HttpStatusCode.Redirect, toIdp.StatusCode);
        var authnRequest = HttpRedirectBinding.Decode(toIdp.Headers.Location!.Query.TrimStart('?')).Document;
        var requested = Assert.Single(authnRequest.GetElementsByTagName("AuthnContextClassRef", SamlNamespaces.Assertion).Cast<XmlElement>());
        Assert.Equal(RefedsMfa, requested.InnerText);
    }
}
