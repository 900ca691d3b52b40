using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace AaiProxy.Server.Tests.Infrastructure;

/// <summary>A relying party for the tests: builds requests, follows the browser, posts to the token endpoint.</summary>
public sealed class OidcTestClient(ProxyFactory factory)
{
    public const string PortalClientId = "demo-portal";
    public const string PortalRedirectUri = ProxyFactory.Origin + "/demo/portal/callback";
    public const string ServiceClientId = "demo-service";
    public const string ServiceSecret = "demo-service-secret";

    public HttpClient Http { get; } = factory.CreateClient();

    public static Pkce NewPkce()
    {
        var verifier = Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(32));
        return new Pkce(verifier, Base64UrlEncoder.Encode(SHA256.HashData(Encoding.ASCII.GetBytes(verifier))));
    }

    /// <summary>An authorization request of the demo portal with PKCE S256, as query parameters.</summary>
    public static Dictionary<string, string?> AuthorizationRequest(Pkce pkce, string scope = "openid profile email offline_access") => new()
    {
        ["client_id"] = PortalClientId,
        ["response_type"] = "code",
        ["redirect_uri"] = PortalRedirectUri,
        ["scope"] = scope,
        ["state"] = "state-" + Guid.NewGuid().ToString("N"),
        ["nonce"] = "nonce-" + Guid.NewGuid().ToString("N"),
        ["code_challenge"] = pkce.Challenge,
        ["code_challenge_method"] = "S256",
    };

    /// <summary>
    /// Runs the browser through the authorization endpoint (signing in upstream as <paramref name="user"/>
    /// when the proxy asks) and returns the final redirect to the client.
    /// </summary>
    public static async Task<Uri> AuthorizeAsync(HttpClient browser, string authorizeUrl, string user)
    {
        var response = await browser.GetAsync(authorizeUrl);
        if (response.StatusCode == HttpStatusCode.Redirect && new Uri(browser.BaseAddress!, response.Headers.Location!) is var loginPage &&
            UpstreamLogin.IsUpstreamLoginStart(loginPage))
        {
            var next = await UpstreamLogin.SignInAsync(browser, loginPage, user);
            response = await browser.GetAsync(next);
        }

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        return response.Headers.Location!;
    }

    /// <summary>Sign in as <paramref name="user"/> and redeem the code: the whole code flow.</summary>
    public async Task<JsonElement> CodeFlowAsync(string user, string scope = "openid profile email offline_access", HttpClient? browser = null,
        string? acrValues = null, params string[] resources)
    {
        var pkce = NewPkce();
        var request = AuthorizationRequest(pkce, scope);
        if (acrValues is not null)
        {
            request["acr_values"] = acrValues;
        }

        // RFC 8707: one resource parameter per resource indicator.
        var authorizeUrl = resources.Aggregate(QueryHelpers.AddQueryString("/connect/authorize", request),
            (url, resource) => QueryHelpers.AddQueryString(url, "resource", resource));
        var callback = await AuthorizeAsync(browser ?? factory.CreateBrowser(), authorizeUrl, user);
        var code = Query(callback)["code"];
        var (status, body) = await TokenAsync(new()
        {
            ["grant_type"] = "authorization_code",
            ["code"] = code,
            ["redirect_uri"] = PortalRedirectUri,
            ["client_id"] = PortalClientId,
            ["code_verifier"] = pkce.Verifier,
        });
        Assert.True(status == HttpStatusCode.OK, body.ToString());
        return body;
    }

    public async Task<(HttpStatusCode Status, JsonElement Body)> TokenAsync(Dictionary<string, string?> form, string endpoint = "/connect/token")
    {
        using var response = await Http.PostAsync(endpoint, new FormUrlEncodedContent(form!));
        return (response.StatusCode, await response.Content.ReadFromJsonAsync<JsonElement>());
    }

    public Task<(HttpStatusCode Status, JsonElement Body)> ClientCredentialsAsync(string clientId = ServiceClientId, string secret = ServiceSecret) =>
        TokenAsync(new() { ["grant_type"] = "client_credentials", ["client_id"] = clientId, ["client_secret"] = secret, ["scope"] = "eduperson_entitlement" });

    public async Task<JsonElement> UserInfoAsync(string accessToken)
    {
        using var response = await UserInfoResponseAsync(accessToken);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    /// <summary>The userinfo response as it is, for tests that expect a refusal.</summary>
    public async Task<HttpResponseMessage> UserInfoResponseAsync(string accessToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/connect/userinfo");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
        return await Http.SendAsync(request);
    }

    public async Task<JsonWebKeySet> JwksAsync() => new(await Http.GetStringAsync("/.well-known/jwks"));

    /// <summary>Validates a JWT's signature against the JWKS and the issuer.</summary>
    public async Task<TokenValidationResult> ValidateAsync(string jwt, string? audience = null) =>
        await new JsonWebTokenHandler().ValidateTokenAsync(jwt, new TokenValidationParameters
        {
            ValidIssuer = ProxyFactory.Origin + "/",
            ValidateAudience = audience is not null,
            ValidAudience = audience,
            IssuerSigningKeys = (await JwksAsync()).GetSigningKeys(),
            ValidTypes = null,
        });

    public static Dictionary<string, string> Query(Uri uri) =>
        QueryHelpers.ParseQuery(uri.Query).ToDictionary(pair => pair.Key, pair => pair.Value.ToString());
}

public sealed record Pkce(string Verifier, string Challenge);
