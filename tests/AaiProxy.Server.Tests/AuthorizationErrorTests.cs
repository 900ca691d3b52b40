using System.Net;
using System.Net.Http.Headers;
using AaiProxy.Server.Tests.Infrastructure;
using Microsoft.AspNetCore.WebUtilities;

namespace AaiProxy.Server.Tests;

public sealed class AuthorizationErrorTests(ProxyFixture fixture) : IClassFixture<ProxyFixture>
{
    private readonly OidcTestClient _oidc = new(fixture.Factory);

    [Fact]
    public async Task Authorize_WrongRedirectUri_ShowsErrorWithoutRedirecting()
    {
        var request = OidcTestClient.AuthorizationRequest(OidcTestClient.NewPkce());
        request["redirect_uri"] = "https://attacker.example.com/callback";

        using var response = await BrowserGet(QueryHelpers.AddQueryString("/connect/authorize", request));
        var html = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Null(response.Headers.Location);
        Assert.DoesNotContain("attacker.example.com", html);
        Assert.Contains("invalid_request", html);
    }

    [Fact]
    public async Task Authorize_UnknownClient_ShowsErrorPageWithCorrelationIdThatIsAlsoLogged()
    {
        var request = OidcTestClient.AuthorizationRequest(OidcTestClient.NewPkce());
        request["client_id"] = "no-such-client";

        using var response = await BrowserGet(QueryHelpers.AddQueryString("/connect/authorize", request));
        var html = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("invalid_request", html);
        var correlationId = System.Text.RegularExpressions.Regex.Match(html, "id=\"correlation-id\"[^>]*>([^<]+)<").Groups[1].Value;
        Assert.NotEmpty(correlationId);
        Assert.Contains(fixture.Factory.Logs.Lines, line => line.Contains(correlationId) && line.Contains("no-such-client"));
    }

    [Fact]
    public async Task Authorize_PublicClientWithoutPkce_IsInvalidRequestRedirectedToTheClient()
    {
        var request = OidcTestClient.AuthorizationRequest(OidcTestClient.NewPkce());
        request.Remove("code_challenge");
        request.Remove("code_challenge_method");

        using var response = await BrowserGet(QueryHelpers.AddQueryString("/connect/authorize", request));

        // RFC 6749 §4.1.2.1: the client and its redirect URI are valid, so the error goes back to the client
        // (before: OpenIddict checked PKCE before the redirect URI and answered with its own page).
        var callback = AuthenticationRequirementTests.AssertRedirectedToClient(response);
        Assert.Equal("invalid_request", OidcTestClient.Query(callback)["error"]);
        Assert.Equal(request["state"], OidcTestClient.Query(callback)["state"]);
        Assert.Contains(fixture.Factory.Logs.Lines, line => line.Contains("code_challenge") && line.Contains("client_id=demo-portal"));
    }

    [Fact]
    public async Task Authorize_PlainCodeChallengeMethod_IsRejectedAtTheClient()
    {
        var request = OidcTestClient.AuthorizationRequest(OidcTestClient.NewPkce());
        request["code_challenge_method"] = "plain";

        using var response = await BrowserGet(QueryHelpers.AddQueryString("/connect/authorize", request));

        var callback = AuthenticationRequirementTests.AssertRedirectedToClient(response);
        Assert.Equal("invalid_request", OidcTestClient.Query(callback)["error"]);
    }

    [Fact]
    public async Task Token_WrongCodeVerifier_IsInvalidGrant()
    {
        var (code, _) = await AuthorizationCodeAsync();

        var (status, body) = await RedeemAsync(code, OidcTestClient.NewPkce().Verifier);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("invalid_grant", body.GetProperty("error").GetString());
    }

    [Fact]
    public async Task Token_ReplayedAuthorizationCode_IsInvalidGrant()
    {
        var (code, pkce) = await AuthorizationCodeAsync();
        var (firstStatus, _) = await RedeemAsync(code, pkce.Verifier);

        var (status, body) = await RedeemAsync(code, pkce.Verifier);

        Assert.Equal(HttpStatusCode.OK, firstStatus);
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("invalid_grant", body.GetProperty("error").GetString());
        Assert.Contains(fixture.Factory.Logs.Lines, line => line.Contains("invalid_grant") && line.Contains("client_id=demo-portal"));
    }

    [Fact]
    public async Task Token_UnknownRefreshToken_IsInvalidGrant()
    {
        var (status, body) = await _oidc.TokenAsync(new()
        {
            ["grant_type"] = "refresh_token",
            ["refresh_token"] = "not-a-refresh-token",
            ["client_id"] = OidcTestClient.PortalClientId,
        });

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("invalid_grant", body.GetProperty("error").GetString());
    }

    [Fact]
    public async Task Token_ExpiredRefreshToken_IsInvalidGrant()
    {
        await using var factory = new ProxyFactory(fixture.Database, overrides: new Dictionary<string, string>
        {
            ["AaiProxy:Tokens:RefreshTokenLifetime"] = "00:00:01",
        });
        var oidc = new OidcTestClient(factory);
        var refreshToken = (await oidc.CodeFlowAsync("alice")).GetProperty("refresh_token").GetString()!;
        await Task.Delay(TimeSpan.FromSeconds(2));

        var (status, body) = await oidc.TokenAsync(new()
        {
            ["grant_type"] = "refresh_token",
            ["refresh_token"] = refreshToken,
            ["client_id"] = OidcTestClient.PortalClientId,
        });

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("invalid_grant", body.GetProperty("error").GetString());
    }

    private async Task<HttpResponseMessage> BrowserGet(string url)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/html"));
        return await fixture.Factory.CreateBrowser().SendAsync(request);
    }

    private async Task<(string Code, Pkce Pkce)> AuthorizationCodeAsync()
    {
        var pkce = OidcTestClient.NewPkce();
        var callback = await OidcTestClient.AuthorizeAsync(fixture.Factory.CreateBrowser(),
            QueryHelpers.AddQueryString("/connect/authorize", OidcTestClient.AuthorizationRequest(pkce)), "alice");
        return (OidcTestClient.Query(callback)["code"], pkce);
    }

    private Task<(HttpStatusCode Status, System.Text.Json.JsonElement Body)> RedeemAsync(string code, string verifier) =>
        _oidc.TokenAsync(new()
        {
            ["grant_type"] = "authorization_code",
            ["code"] = code,
            ["redirect_uri"] = OidcTestClient.PortalRedirectUri,
            ["client_id"] = OidcTestClient.PortalClientId,
            ["code_verifier"] = verifier,
        });
}
