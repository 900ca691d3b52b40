using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using AaiProxy.Server.Tests.Infrastructure;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.IdentityModel.JsonWebTokens;

namespace AaiProxy.Server.Tests;

public sealed class AuthorizationCodeFlowTests(ProxyFixture fixture) : IClassFixture<ProxyFixture>
{
    private readonly OidcTestClient _oidc = new(fixture.Factory);

    [Fact]
    public async Task CodeFlow_WithPkce_IssuesSignedIdTokenWithOpaqueSubject()
    {
        var tokens = await _oidc.CodeFlowAsync("alice");

        var idToken = tokens.GetProperty("id_token").GetString()!;
        var validation = await _oidc.ValidateAsync(idToken, audience: OidcTestClient.PortalClientId);
        Assert.True(validation.IsValid, validation.Exception?.Message);
        var subject = new JsonWebToken(idToken).Subject;
        Assert.Matches("^[A-Za-z0-9_-]{43}$", subject);
        Assert.DoesNotContain("alice", subject, StringComparison.OrdinalIgnoreCase);
        Assert.Equal("at+jwt", new JsonWebToken(tokens.GetProperty("access_token").GetString()!).Typ);
        Assert.True(tokens.TryGetProperty("refresh_token", out _));
    }

    [Fact]
    public async Task Subject_IsStableForTheSameUpstreamUserAndDiffersForAnother()
    {
        var first = Subject(await _oidc.CodeFlowAsync("alice"));
        var second = Subject(await _oidc.CodeFlowAsync("alice"));
        var other = Subject(await _oidc.CodeFlowAsync("bob"));

        Assert.Equal(first, second);
        Assert.NotEqual(first, other);
    }

    [Fact]
    public async Task UserInfo_ReleasesClaimsByScope()
    {
        var profileOnly = await _oidc.UserInfoAsync(AccessToken(await _oidc.CodeFlowAsync("alice", "openid profile")));
        var everything = await _oidc.UserInfoAsync(AccessToken(await _oidc.CodeFlowAsync("alice",
            "openid profile email aarc eduperson_entitlement eduperson_scoped_affiliation eduperson_assurance")));

        Assert.Equal("Alice", profileOnly.GetProperty("given_name").GetString());
        Assert.False(profileOnly.TryGetProperty("email", out _));
        Assert.False(profileOnly.TryGetProperty("eduperson_entitlement", out _));
        Assert.False(profileOnly.TryGetProperty("voperson_id", out _));

        Assert.Equal(everything.GetProperty("sub").GetString(), everything.GetProperty("voperson_id").GetString());
        Assert.Equal("alice@university.example.org", everything.GetProperty("email").GetString());
        // Released by the demo IdP, whose scope covers university.example.org: verified.
        Assert.True(everything.GetProperty("email_verified").GetBoolean());
        Assert.Equal(JsonValueKind.Array, everything.GetProperty("eduperson_entitlement").ValueKind);
        Assert.Contains("member@university.example.org",
            everything.GetProperty("eduperson_scoped_affiliation").EnumerateArray().Select(value => value.GetString()));
        Assert.Contains("https://refeds.org/assurance/IAP/medium",
            everything.GetProperty("eduperson_assurance").EnumerateArray().Select(value => value.GetString()));
    }

    [Fact]
    public async Task RefreshToken_RotatesAndRejectsTheOldOne()
    {
        var tokens = await _oidc.CodeFlowAsync("alice");
        var original = tokens.GetProperty("refresh_token").GetString()!;

        var (status, refreshed) = await Refresh(original);
        Assert.Equal(HttpStatusCode.OK, status);
        var rotated = refreshed.GetProperty("refresh_token").GetString()!;
        Assert.NotEqual(original, rotated);
        Assert.Equal(Subject(tokens), new JsonWebToken(refreshed.GetProperty("id_token").GetString()!).Subject);
        Assert.Equal("Alice", (await _oidc.UserInfoAsync(AccessToken(refreshed))).GetProperty("given_name").GetString());

        var (replayStatus, replay) = await Refresh(original);
        Assert.Equal(HttpStatusCode.BadRequest, replayStatus);
        Assert.Equal("invalid_grant", replay.GetProperty("error").GetString());
    }

    [Fact]
    public async Task Introspection_ActiveTokenIsActiveForTheClientItWasIssuedTo()
    {
        // Any other client that is not among the token's audiences learns active=false (AudienceTests).
        var accessToken = AccessToken(await _oidc.CodeFlowAsync("alice"));

        var (status, body) = await _oidc.TokenAsync(new()
        {
            ["token"] = accessToken,
            ["client_id"] = OidcTestClient.PortalClientId,
        }, "/connect/introspect");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.True(body.GetProperty("active").GetBoolean());
    }

    [Fact]
    public async Task Revocation_RevokedRefreshTokenCanNoLongerBeUsed()
    {
        var refreshToken = (await _oidc.CodeFlowAsync("alice")).GetProperty("refresh_token").GetString()!;

        var (status, _) = await _oidc.TokenAsync(new()
        {
            ["token"] = refreshToken,
            ["token_type_hint"] = "refresh_token",
            ["client_id"] = OidcTestClient.PortalClientId,
        }, "/connect/revoke");
        var (refreshStatus, refreshed) = await Refresh(refreshToken);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(HttpStatusCode.BadRequest, refreshStatus);
        Assert.Equal("invalid_grant", refreshed.GetProperty("error").GetString());
    }

    [Fact]
    public async Task EndSession_LogsOutAtTheSamlIdentityProviderThenRedirectsToThePostLogoutUri()
    {
        var browser = fixture.Factory.CreateBrowser();
        var idToken = (await _oidc.CodeFlowAsync("alice", browser: browser)).GetProperty("id_token").GetString()!;

        var hops = new List<string>();
        var location = QueryHelpers.AddQueryString("/connect/logout", new Dictionary<string, string?>
        {
            ["id_token_hint"] = idToken,
            ["post_logout_redirect_uri"] = ProxyFactory.Origin + "/demo/portal",
            ["state"] = "bye",
        });
        while (!location.StartsWith(ProxyFactory.Origin + "/demo/portal", StringComparison.Ordinal) && hops.Count < 6)
        {
            using var response = await browser.GetAsync(location);
            Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
            hops.Add(new Uri(new Uri(ProxyFactory.Origin), response.Headers.Location!).AbsolutePath);
            location = new Uri(new Uri(ProxyFactory.Origin), response.Headers.Location!).ToString();
        }

        // Proxy -> IdP (signed LogoutRequest) -> proxy's SLO endpoint (signed LogoutResponse) -> end session -> client.
        Assert.Equal(["/demo-idp/slo", "/saml/slo", "/connect/logout", "/demo/portal"], hops);
        Assert.StartsWith(ProxyFactory.Origin + "/demo/portal?state=bye", location);
        using var afterLogout = await browser.GetAsync(QueryHelpers.AddQueryString("/connect/authorize", OidcTestClient.AuthorizationRequest(OidcTestClient.NewPkce())));
        Assert.Equal(UpstreamLogin.DemoIdentityProviderSignOn, new Uri(new Uri(ProxyFactory.Origin), afterLogout.Headers.Location!).AbsolutePath);
    }

    [Fact]
    public async Task PushedAuthorization_RequestUriIsAcceptedByTheAuthorizationEndpoint()
    {
        var pkce = OidcTestClient.NewPkce();
        var request = OidcTestClient.AuthorizationRequest(pkce);
        var (status, pushed) = await _oidc.TokenAsync(request, "/connect/par");
        Assert.Equal(HttpStatusCode.Created, status);
        var requestUri = pushed.GetProperty("request_uri").GetString()!;
        Assert.StartsWith("urn:ietf:params:oauth:request_uri:", requestUri);

        var callback = await OidcTestClient.AuthorizeAsync(fixture.Factory.CreateBrowser(), QueryHelpers.AddQueryString("/connect/authorize",
            new Dictionary<string, string?> { ["client_id"] = OidcTestClient.PortalClientId, ["request_uri"] = requestUri }), "alice");

        Assert.StartsWith(OidcTestClient.PortalRedirectUri, callback.ToString());
        var query = OidcTestClient.Query(callback);
        Assert.Equal(request["state"], query["state"]);
        var (tokenStatus, _) = await _oidc.TokenAsync(new()
        {
            ["grant_type"] = "authorization_code",
            ["code"] = query["code"],
            ["redirect_uri"] = OidcTestClient.PortalRedirectUri,
            ["client_id"] = OidcTestClient.PortalClientId,
            ["code_verifier"] = pkce.Verifier,
        });
        Assert.Equal(HttpStatusCode.OK, tokenStatus);
    }

    [Fact]
    public async Task DemoPortal_SignInShowsIdTokenAccessTokenAndUserInfoClaims()
    {
        var browser = fixture.Factory.CreateBrowser();
        using var start = await browser.GetAsync("/demo/portal/login");
        Assert.Equal(HttpStatusCode.Redirect, start.StatusCode);

        var callback = await OidcTestClient.AuthorizeAsync(browser, start.Headers.Location!.ToString(), "bob");
        using var page = await browser.GetAsync(callback);
        var html = await page.Content.ReadAsStringAsync();

        Assert.True(page.StatusCode == HttpStatusCode.OK, html);
        Assert.Contains("ID token claims", html);
        Assert.Contains("Access token claims", html);
        Assert.Contains("Userinfo response", html);
        Assert.Contains("bob@institute.example.net", html);
    }

    private Task<(HttpStatusCode Status, JsonElement Body)> Refresh(string refreshToken) =>
        _oidc.TokenAsync(new()
        {
            ["grant_type"] = "refresh_token",
            ["refresh_token"] = refreshToken,
            ["client_id"] = OidcTestClient.PortalClientId,
        });

    private static string Subject(JsonElement tokens) => new JsonWebToken(tokens.GetProperty("id_token").GetString()!).Subject;

    private static string AccessToken(JsonElement tokens) => tokens.GetProperty("access_token").GetString()!;
}
