using System.Net;
using AaiProxy.Server.Accounts;
using AaiProxy.Server.Tests.Infrastructure;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.IdentityModel.JsonWebTokens;
using static AaiProxy.Server.Tests.Accounts.AccountSteps;

namespace AaiProxy.Server.Tests.Accounts;

/// <summary>Registration Interactive with the real upstream OpenID Provider (node's oidc-provider) beside the demo IdP.</summary>
public sealed class InteractiveOidcPeerFixture : ProxyFixture
{
    protected override IReadOnlyDictionary<string, string> Overrides =>
        new Dictionary<string, string>(InteractiveRegistrationFixture.Settings(InteractiveRegistrationFixture.AupVersion)
            .Concat(TestOidcProvider.ProxySettings()));
}

public sealed class OidcLinkingTests(InteractiveOidcPeerFixture fixture) : IClassFixture<InteractiveOidcPeerFixture>
{
    [SkippableFact]
    public async Task A_person_links_the_openid_provider_from_the_account_page_and_a_later_login_through_it_gives_the_same_sub()
    {
        var login = "link-" + Guid.NewGuid().ToString("N")[..8];
        var proxyBrowser = fixture.Factory.CreateBrowser();
        var atClient = await OidcTestClient.AuthorizeAsync(proxyBrowser, AuthorizeUrl(DemoIdentityProvider), "alice");
        Assert.True(OidcTestClient.Query(atClient).ContainsKey("code"));
        var page = await PageAsync(proxyBrowser, AccountPage.Path);
        var sub = System.Text.RegularExpressions.Regex.Match(page, "data-account-sub>([^<]+)<").Groups[1].Value;

        using var challenge = await PostAsync(proxyBrowser, page, AccountPage.LinkPath, ("provider", TestOidcProvider.Issuer));
        var (callback, loginFormShown) = await TestOidcProvider.InteractAsync(TestOidcProvider.CreateBrowser(), challenge.Headers.Location!, login);
        Assert.True(loginFormShown); // linking forces a login at the provider
        using var linked = await proxyBrowser.GetAsync(callback.PathAndQuery);
        Assert.Equal(AccountPage.Path, linked.Headers.Location!.OriginalString);
        Assert.Contains($"data-linked-issuer=\"{TestOidcProvider.Issuer}\"", await PageAsync(proxyBrowser, AccountPage.Path), StringComparison.Ordinal);

        // Later, in another browser, through the provider alone: no registration, the same account.
        var pkce = OidcTestClient.NewPkce();
        var request = OidcTestClient.AuthorizationRequest(pkce, "openid");
        request["idp_hint"] = TestOidcProvider.Issuer;
        var other = fixture.Factory.CreateBrowser();
        using var start = await other.GetAsync(QueryHelpers.AddQueryString("/connect/authorize", request));
        var (back, _) = await TestOidcProvider.InteractAsync(TestOidcProvider.CreateBrowser(), start.Headers.Location!, login);
        using var returned = await other.GetAsync(back.PathAndQuery);
        using var answered = await other.GetAsync(returned.Headers.Location!);
        var code = OidcTestClient.Query(answered.Headers.Location!)["code"];
        var (status, tokens) = await new OidcTestClient(fixture.Factory).TokenAsync(new()
        {
            ["grant_type"] = "authorization_code",
            ["code"] = code,
            ["redirect_uri"] = OidcTestClient.PortalRedirectUri,
            ["client_id"] = OidcTestClient.PortalClientId,
            ["code_verifier"] = pkce.Verifier,
        });
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(sub, new JsonWebToken(tokens.GetProperty("id_token").GetString()!).Subject);
    }

    private static string AuthorizeUrl(string provider)
    {
        var request = OidcTestClient.AuthorizationRequest(OidcTestClient.NewPkce());
        request["idp_hint"] = provider;
        return QueryHelpers.AddQueryString("/connect/authorize", request);
    }
}
