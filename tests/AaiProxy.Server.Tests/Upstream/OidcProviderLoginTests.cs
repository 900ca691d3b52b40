using System.Net;
using AaiProxy.Server.Tests.Infrastructure;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.IdentityModel.JsonWebTokens;

namespace AaiProxy.Server.Tests.Upstream;

/// <summary>The proxy with the real upstream OpenID Provider (node's oidc-provider) beside the demo SAML IdP.</summary>
public sealed class OidcPeerProxyFixture : ProxyFixture
{
    protected override IReadOnlyDictionary<string, string>? Overrides => TestOidcProvider.ProxySettings();
}

/// <summary>
/// Upstream OpenID Connect against a provider nobody here wrote: the person chooses it on the login page beside
/// the SAML IdP, signs in at the provider (devInteractions login and consent), and the client gets a code for the
/// community account; the provider's refusals and an unmet acr reach the client at its redirect URI.
/// </summary>
public sealed class OidcProviderLoginTests(OidcPeerProxyFixture fixture) : IClassFixture<OidcPeerProxyFixture>
{
    private const string Callback = ProxyFactory.Origin + "/upstream/oidc/" + TestOidcProvider.SchemeId + "/callback";

    [SkippableFact]
    public async Task Login_page_lists_the_demo_identity_provider_and_the_openid_provider()
    {
        var browser = fixture.Factory.CreateBrowser();

        var page = await LoginPageAsync(browser, OidcTestClient.AuthorizationRequest(OidcTestClient.NewPkce()));

        Assert.Contains("Demo identity provider (development only)", page, StringComparison.Ordinal);
        Assert.Contains($"value=\"{TestOidcProvider.Issuer}\"", page, StringComparison.Ordinal);
        Assert.Contains(TestOidcProvider.DisplayName, page, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task Signing_in_through_the_openid_provider_gives_the_portal_an_opaque_community_sub_that_a_second_login_repeats()
    {
        var login = "oidc-" + Guid.NewGuid().ToString("N")[..8];

        var first = await CodeFlowAsync(fixture.Factory.CreateBrowser(), TestOidcProvider.CreateBrowser(), login);
        var second = await CodeFlowAsync(fixture.Factory.CreateBrowser(), TestOidcProvider.CreateBrowser(), login);

        var sub = first.GetPayloadValue<string>("sub");
        Assert.DoesNotContain(login, sub, StringComparison.Ordinal);
        Assert.Equal(sub, second.GetPayloadValue<string>("sub"));
        Assert.Equal($"Test {login}", first.GetPayloadValue<string>("name"));
        Assert.NotEqual(sub, (await CodeFlowAsync(fixture.Factory.CreateBrowser(), TestOidcProvider.CreateBrowser(), login + "-other"))
            .GetPayloadValue<string>("sub"));
    }

    [SkippableFact]
    public async Task Provider_answering_access_denied_ends_at_the_client_with_access_denied()
    {
        var request = OidcTestClient.AuthorizationRequest(OidcTestClient.NewPkce());

        var (atClient, _) = await AuthorizeThroughProviderAsync(fixture.Factory.CreateBrowser(), TestOidcProvider.CreateBrowser(), request,
            "deny-" + Guid.NewGuid().ToString("N")[..8]);

        var answer = OidcTestClient.Query(atClient);
        Assert.StartsWith(OidcTestClient.PortalRedirectUri + "?", atClient.AbsoluteUri, StringComparison.Ordinal);
        Assert.Equal("access_denied", answer["error"]);
        Assert.Equal(request["state"], answer["state"]);
        Assert.False(answer.ContainsKey("code"));
    }

    [SkippableFact]
    public async Task Provider_stating_no_requested_acr_ends_at_the_client_with_unmet_authentication_requirements()
    {
        var request = OidcTestClient.AuthorizationRequest(OidcTestClient.NewPkce());
        request["acr_values"] = "https://refeds.org/profile/mfa";

        var (atClient, _) = await AuthorizeThroughProviderAsync(fixture.Factory.CreateBrowser(), TestOidcProvider.CreateBrowser(), request,
            "sfa-" + Guid.NewGuid().ToString("N")[..8]);

        var answer = OidcTestClient.Query(atClient);
        Assert.Equal("unmet_authentication_requirements", answer["error"]);
        Assert.False(answer.ContainsKey("code"));
        Assert.Contains(fixture.Factory.Logs.Lines, line =>
            line.Contains("acr 'https://refeds.org/profile/sfa' is none of the requested [https://refeds.org/profile/mfa]", StringComparison.Ordinal));
    }

    [SkippableFact]
    public async Task Provider_stating_the_requested_acr_signs_in_and_the_client_gets_that_acr()
    {
        var idToken = await CodeFlowAsync(fixture.Factory.CreateBrowser(), TestOidcProvider.CreateBrowser(), "mfa-" + Guid.NewGuid().ToString("N")[..8],
            acrValues: "https://refeds.org/profile/mfa");

        Assert.Equal("https://refeds.org/profile/mfa", idToken.GetPayloadValue<string>("acr"));
    }

    [SkippableFact]
    public async Task Forced_reauthentication_reaches_the_provider_as_prompt_login()
    {
        var login = "again-" + Guid.NewGuid().ToString("N")[..8];
        var proxyBrowser = fixture.Factory.CreateBrowser();
        var providerBrowser = TestOidcProvider.CreateBrowser();
        await CodeFlowAsync(proxyBrowser, providerBrowser, login);

        // Without prompt=login the provider's own session would answer at once, without its login form.
        var forced = OidcTestClient.AuthorizationRequest(OidcTestClient.NewPkce());
        forced["prompt"] = "login";
        var (atClient, loginFormShown) = await AuthorizeThroughProviderAsync(proxyBrowser, providerBrowser, forced, login);

        Assert.True(loginFormShown);
        Assert.True(OidcTestClient.Query(atClient).ContainsKey("code"), atClient.ToString());
    }

    [SkippableFact]
    public async Task Sign_out_ends_the_provider_session_at_its_end_session_endpoint_and_returns_to_the_client()
    {
        var login = "bye-" + Guid.NewGuid().ToString("N")[..8];
        var proxyBrowser = fixture.Factory.CreateBrowser();
        var providerBrowser = TestOidcProvider.CreateBrowser();
        var idToken = await CodeFlowAsync(proxyBrowser, providerBrowser, login);

        using var endSession = await proxyBrowser.GetAsync(QueryHelpers.AddQueryString("/connect/logout", new Dictionary<string, string?>
        {
            ["id_token_hint"] = idToken.EncodedToken,
            ["post_logout_redirect_uri"] = ProxyFactory.Origin + "/demo/portal",
            ["state"] = "bye",
        }));

        // RP-Initiated Logout at the provider, naming the session by the provider's own ID token.
        Assert.Equal(HttpStatusCode.Redirect, endSession.StatusCode);
        var toProvider = endSession.Headers.Location!;
        Assert.StartsWith(TestOidcProvider.Issuer + "/session/end?", toProvider.AbsoluteUri, StringComparison.Ordinal);
        var parameters = OidcTestClient.Query(toProvider);
        Assert.Equal(ProxyFactory.Origin + "/upstream/oidc/" + TestOidcProvider.SchemeId + "/signed-out", parameters["post_logout_redirect_uri"]);
        Assert.Equal(TestOidcProvider.Issuer, new JsonWebToken(parameters["id_token_hint"]).Issuer);

        // The provider confirms, comes back to the scheme's signed-out callback, which finishes the client's request.
        var (signedOut, _) = await TestOidcProvider.InteractAsync(providerBrowser, toProvider, login);
        using var finished = await proxyBrowser.GetAsync(signedOut.PathAndQuery);
        Assert.Equal(HttpStatusCode.Redirect, finished.StatusCode);
        Assert.StartsWith("/connect/logout?", finished.Headers.Location!.OriginalString, StringComparison.Ordinal);
        using var atClient = await proxyBrowser.GetAsync(finished.Headers.Location!);
        Assert.Equal(ProxyFactory.Origin + "/demo/portal?state=bye", atClient.Headers.Location!.AbsoluteUri);

        // Both sessions are gone: the next login asks for a choice here and for the password there.
        var (_, loginFormShown) = await AuthorizeThroughProviderAsync(proxyBrowser, providerBrowser,
            OidcTestClient.AuthorizationRequest(OidcTestClient.NewPkce()), login);
        Assert.True(loginFormShown);
    }

    [SkippableFact]
    public async Task A_front_channel_logout_request_naming_no_session_does_not_end_the_proxy_session()
    {
        var proxyBrowser = fixture.Factory.CreateBrowser();
        await CodeFlowAsync(proxyBrowser, TestOidcProvider.CreateBrowser(), "stay-" + Guid.NewGuid().ToString("N")[..8]);

        // What ASP.NET Core's handler answers by default at /signout-oidc: any site could send the browser here.
        using var _ = await proxyBrowser.GetAsync("/signout-oidc");
        using var __ = await proxyBrowser.GetAsync("/upstream/oidc/" + TestOidcProvider.SchemeId + "/front-channel-logout");

        using var authorize = await proxyBrowser.GetAsync("/connect/authorize?" + QueryString(OidcTestClient.AuthorizationRequest(OidcTestClient.NewPkce())));
        Assert.True(OidcTestClient.Query(authorize.Headers.Location!).ContainsKey("code"), authorize.Headers.Location!.ToString());
    }

    // The whole code flow through the provider; returns the proxy's ID token.
    private async Task<JsonWebToken> CodeFlowAsync(HttpClient proxyBrowser, HttpClient providerBrowser, string login, string? acrValues = null)
    {
        var pkce = OidcTestClient.NewPkce();
        var request = OidcTestClient.AuthorizationRequest(pkce);
        if (acrValues is not null)
        {
            request["acr_values"] = acrValues;
        }

        var (atClient, _) = await AuthorizeThroughProviderAsync(proxyBrowser, providerBrowser, request, login);
        Assert.True(OidcTestClient.Query(atClient).TryGetValue("code", out var code), atClient.ToString());
        var (status, body) = await new OidcTestClient(fixture.Factory).TokenAsync(new()
        {
            ["grant_type"] = "authorization_code",
            ["code"] = code,
            ["redirect_uri"] = OidcTestClient.PortalRedirectUri,
            ["client_id"] = OidcTestClient.PortalClientId,
            ["code_verifier"] = pkce.Verifier,
        });
        Assert.True(status == HttpStatusCode.OK, body.ToString());
        return new JsonWebToken(body.GetProperty("id_token").GetString());
    }

    // Authorization request → login page → the provider chosen with the page's antiforgery token → the provider's
    // forms → the proxy's callback → back to the authorization request → the client's redirect URI.
    private async Task<(Uri AtClient, bool LoginFormShown)> AuthorizeThroughProviderAsync(HttpClient proxyBrowser, HttpClient providerBrowser,
        Dictionary<string, string?> request, string login)
    {
        var choice = UpstreamLogin.HiddenFields(await LoginPageAsync(proxyBrowser, request));
        choice["provider"] = TestOidcProvider.Issuer;
        using var chosen = await proxyBrowser.PostAsync("/login", new FormUrlEncodedContent(choice));
        Assert.Equal(HttpStatusCode.Redirect, chosen.StatusCode);
        var atProvider = chosen.Headers.Location!;
        Assert.StartsWith(TestOidcProvider.Issuer + "/", atProvider.AbsoluteUri, StringComparison.Ordinal);

        var (callback, loginFormShown) = await TestOidcProvider.InteractAsync(providerBrowser, atProvider, login);
        Assert.StartsWith(Callback + "?", callback.AbsoluteUri, StringComparison.Ordinal);
        using var returned = await proxyBrowser.GetAsync(callback.PathAndQuery);
        Assert.True(returned.StatusCode == HttpStatusCode.Redirect, $"The callback answered {(int)returned.StatusCode}: {await returned.Content.ReadAsStringAsync()}");
        using var answered = await proxyBrowser.GetAsync(returned.Headers.Location!);
        Assert.Equal(HttpStatusCode.Redirect, answered.StatusCode);
        return (answered.Headers.Location!, loginFormShown);
    }

    // Every test begins here: without the peer it is skipped (a failure with CI=true).
    private static async Task<string> LoginPageAsync(HttpClient proxyBrowser, Dictionary<string, string?> request)
    {
        _ = TestOidcProvider.Issuer;
        using var authorize = await proxyBrowser.GetAsync("/connect/authorize?" + QueryString(request));
        Assert.Equal(HttpStatusCode.Redirect, authorize.StatusCode);
        var loginPage = authorize.Headers.Location!.OriginalString;
        Assert.StartsWith("/login?", loginPage, StringComparison.Ordinal);
        return await proxyBrowser.GetStringAsync(loginPage);
    }

    private static string QueryString(Dictionary<string, string?> parameters) => QueryHelpers.AddQueryString("", parameters).TrimStart('?');
}
