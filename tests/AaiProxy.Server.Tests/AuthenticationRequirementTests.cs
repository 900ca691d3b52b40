using System.Net;
using AaiProxy.Server.Tests.Infrastructure;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.IdentityModel.JsonWebTokens;

namespace AaiProxy.Server.Tests;

/// <summary>
/// <c>acr</c> is decided in one place, as OpenID Connect Core says: a voluntary value the proxy cannot ask an
/// upstream provider for is ignored (never a login loop); an essential one ends at the client with
/// <c>unmet_authentication_requirements</c>.
/// </summary>
public sealed class AuthenticationRequirementTests(ProxyFixture fixture) : IClassFixture<ProxyFixture>
{
    private const string PasswordProtectedTransport = "urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport";

    [Fact]
    public async Task Acr_value_the_proxy_cannot_request_upstream_is_ignored_and_the_login_completes_with_the_achieved_acr()
    {
        // Before: acr_values=mfa sent the browser round /login, the IdP and /connect/authorize for ever.
        var tokens = await new OidcTestClient(fixture.Factory).CodeFlowAsync("bob", "openid", acrValues: "mfa");

        Assert.Equal(PasswordProtectedTransport, new JsonWebToken(tokens.GetProperty("id_token").GetString()!).GetClaim("acr").Value);
    }

    [Fact]
    public async Task Essential_acr_that_cannot_be_requested_upstream_ends_at_the_client_with_unmet_authentication_requirements()
    {
        var request = OidcTestClient.AuthorizationRequest(OidcTestClient.NewPkce(), "openid");
        request["claims"] = """{"id_token":{"acr":{"essential":true,"values":["urn:example:loa:4"]}}}""";

        using var response = await fixture.Factory.CreateBrowser().GetAsync(QueryHelpers.AddQueryString("/connect/authorize", request));

        var callback = AssertRedirectedToClient(response);
        Assert.Equal("unmet_authentication_requirements", OidcTestClient.Query(callback)["error"]);
        Assert.Equal(request["state"], OidcTestClient.Query(callback)["state"]);
        Assert.Contains(fixture.Factory.Logs.Lines, line => line.Contains("urn:example:loa:4", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Non_essential_acr_in_the_claims_parameter_is_voluntary_like_acr_values()
    {
        var pkce = OidcTestClient.NewPkce();
        var request = OidcTestClient.AuthorizationRequest(pkce, "openid");
        request["claims"] = """{"id_token":{"acr":{"values":["urn:example:loa:4"]}}}""";

        var callback = await OidcTestClient.AuthorizeAsync(fixture.Factory.CreateBrowser(),
            QueryHelpers.AddQueryString("/connect/authorize", request), "bob");

        Assert.True(OidcTestClient.Query(callback).ContainsKey("code"), callback.ToString());
    }

    [Fact]
    public async Task Client_requiring_mfa_with_a_person_whose_identity_provider_cannot_do_it_ends_with_unmet_authentication_requirements()
    {
        await using var factory = new ProxyFactory(fixture.Database, overrides: new Dictionary<string, string>
        {
            ["AaiProxy:Clients:0:RequireMfa"] = "true", // demo-portal, the first client of config/demo.json
        });
        var browser = factory.CreateBrowser();

        // No acr in the request: the client's own requirement makes MFA essential; the demo IdP cannot do it for bob.
        var loginStart = await Saml.SamlBrowserSteps.LoginPageAsync(browser);
        var afterIdp = await UpstreamLogin.SignInAsync(browser, loginStart, "bob");
        using var response = await browser.GetAsync(afterIdp);

        var callback = AssertRedirectedToClient(response);
        Assert.Equal("unmet_authentication_requirements", OidcTestClient.Query(callback)["error"]);
    }

    [Fact]
    public async Task Authorization_request_too_long_to_come_back_to_after_login_is_refused_at_the_client_pointing_to_par()
    {
        var request = OidcTestClient.AuthorizationRequest(OidcTestClient.NewPkce(), "openid");
        request["state"] = new string('s', 2100);

        using var response = await fixture.Factory.CreateBrowser().GetAsync(QueryHelpers.AddQueryString("/connect/authorize", request));

        var callback = AssertRedirectedToClient(response);
        Assert.Equal("invalid_request", OidcTestClient.Query(callback)["error"]);
        Assert.Contains("pushed authorization", OidcTestClient.Query(callback)["error_description"], StringComparison.Ordinal);
    }

    internal static Uri AssertRedirectedToClient(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var location = response.Headers.Location!;
        Assert.StartsWith(OidcTestClient.PortalRedirectUri + "?", location.ToString(), StringComparison.Ordinal);
        return location;
    }
}
