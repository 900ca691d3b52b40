using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using AaiProxy.Server.Groups.Invitations;
using AaiProxy.Server.Oidc;
using AaiProxy.Server.Web;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace AaiProxy.Server.Demo;

/// <summary>
/// The "Demo data portal": a relying party served by the proxy itself, as an external client would be.
/// It starts code + PKCE (S256), redeems the code with a real HTTP call to the token endpoint,
/// validates the ID token against the JWKS, and shows the ID token, access token and userinfo claims.
/// </summary>
internal static class DemoPortalEndpoints
{
    public const string ClientId = "demo-portal";
    public const string BasePath = "/demo/portal";
    public const string CallbackPath = BasePath + "/callback";
    public const string HttpClientName = "AaiProxy.DemoPortal";
    public const string Scopes = "openid profile email aarc eduperson_entitlement eduperson_scoped_affiliation eduperson_assurance proposals offline_access";

    private const string StateCookie = "AaiProxy.DemoPortal.State";

    private sealed record PendingLogin(string State, string Nonce, string CodeVerifier);

    public static IEndpointRouteBuilder MapDemoPortal(this IEndpointRouteBuilder endpoints)
    {
        var portal = endpoints.MapGroup(BasePath);
        portal.MapGet("/", () => HtmlPage.Render("Demo data portal",
            $"""<p>A demo relying party of this proxy.</p><p><a href="{BasePath}/login" data-testid="sign-in">Sign in</a> · <a href="{GroupLinks.AdminBasePath}" data-testid="my-groups">My groups</a></p>"""));
        portal.MapGet("/login", StartLogin);
        portal.MapGet("/callback", CompleteLoginAsync);
        return endpoints;
    }

    private static IResult StartLogin(HttpContext httpContext, IDataProtectionProvider protection)
    {
        var pending = new PendingLogin(RandomToken(), RandomToken(), RandomToken());
        httpContext.Response.Cookies.Append(StateCookie, Protector(protection).Protect(JsonSerializer.Serialize(pending)), new CookieOptions
        {
            HttpOnly = true,
            Secure = httpContext.Request.IsHttps,
            SameSite = SameSiteMode.Lax,
            Path = BasePath,
            MaxAge = TimeSpan.FromMinutes(10),
        });

        var challenge = Base64UrlEncoder.Encode(SHA256.HashData(Encoding.ASCII.GetBytes(pending.CodeVerifier)));
        return Results.Redirect(QueryHelpers.AddQueryString(ConnectEndpoints.Authorization, new Dictionary<string, string?>
        {
            ["client_id"] = ClientId,
            ["response_type"] = "code",
            ["redirect_uri"] = RedirectUri(httpContext.Request),
            ["scope"] = Scopes,
            ["state"] = pending.State,
            ["nonce"] = pending.Nonce,
            ["code_challenge"] = challenge,
            ["code_challenge_method"] = "S256",
        }));
    }

    private static async Task<IResult> CompleteLoginAsync(
        HttpContext httpContext, IDataProtectionProvider protection, IHttpClientFactory httpClients,
        string? code, string? state, string? error, string? error_description)
    {
        var pending = ReadPendingLogin(httpContext, protection);
        httpContext.Response.Cookies.Delete(StateCookie, new CookieOptions { Path = BasePath });
        if (error is not null)
        {
            return HtmlPage.Render("Demo data portal: sign-in failed", $"<p><code>{HtmlPage.Encode(error)}</code> {HtmlPage.Encode(error_description)}</p>", 400);
        }

        if (pending is null || code is null || !CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(state ?? ""), Encoding.UTF8.GetBytes(pending.State)))
        {
            return HtmlPage.Render("Demo data portal: sign-in failed", "<p>The state does not match this browser's sign-in. Start again.</p>", 400);
        }

        var origin = $"{httpContext.Request.Scheme}://{httpContext.Request.Host}";
        var http = httpClients.CreateClient(HttpClientName);
        using var tokenResponse = await http.PostAsync(origin + ConnectEndpoints.Token, new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "authorization_code",
            ["code"] = code,
            ["redirect_uri"] = RedirectUri(httpContext.Request),
            ["client_id"] = ClientId,
            ["code_verifier"] = pending.CodeVerifier,
        }), httpContext.RequestAborted);
        var tokens = await tokenResponse.Content.ReadFromJsonAsync<JsonElement>(httpContext.RequestAborted);
        if (!tokenResponse.IsSuccessStatusCode)
        {
            return HtmlPage.Render("Demo data portal: token request failed", $"<pre>{HtmlPage.Encode(tokens.ToString())}</pre>", 502);
        }

        var idToken = tokens.GetProperty("id_token").GetString()!;
        var accessToken = tokens.GetProperty("access_token").GetString()!;
        var discovery = await http.GetFromJsonAsync<JsonElement>(origin + "/.well-known/openid-configuration", httpContext.RequestAborted);
        var jwks = new JsonWebKeySet(await http.GetStringAsync(discovery.GetProperty("jwks_uri").GetString(), httpContext.RequestAborted));
        var validation = await new JsonWebTokenHandler().ValidateTokenAsync(idToken, new TokenValidationParameters
        {
            ValidIssuer = discovery.GetProperty("issuer").GetString(),
            ValidAudience = ClientId,
            IssuerSigningKeys = jwks.GetSigningKeys(),
        });
        if (!validation.IsValid || (validation.Claims.TryGetValue("nonce", out var nonce) ? nonce as string : null) != pending.Nonce)
        {
            return HtmlPage.Render("Demo data portal: ID token rejected", $"<p>{HtmlPage.Encode(validation.Exception?.Message ?? "nonce mismatch")}</p>", 502);
        }

        using var userInfoRequest = new HttpRequestMessage(HttpMethod.Get, origin + ConnectEndpoints.UserInfo);
        userInfoRequest.Headers.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
        using var userInfoResponse = await http.SendAsync(userInfoRequest, httpContext.RequestAborted);
        var userInfo = await userInfoResponse.Content.ReadFromJsonAsync<JsonElement>(httpContext.RequestAborted);

        var logout = QueryHelpers.AddQueryString(ConnectEndpoints.EndSession, new Dictionary<string, string?>
        {
            ["id_token_hint"] = idToken,
            ["post_logout_redirect_uri"] = origin + BasePath,
        });
        return HtmlPage.Render("Demo data portal: signed in",
            $"""
            <h2>ID token claims</h2>{HtmlPage.ClaimsTable("id_token", JwtClaims(idToken))}
            <h2>Access token claims</h2>{HtmlPage.ClaimsTable("access_token", JwtClaims(accessToken))}
            <h2>Userinfo response</h2>{HtmlPage.ClaimsTable("userinfo", UserInfoClaims(userInfo))}
            <p><a href="{HtmlPage.Encode(logout)}" data-testid="sign-out">Sign out</a> · <a href="{GroupLinks.AdminBasePath}" data-testid="my-groups">My groups</a></p>
            """);
    }

    private static IEnumerable<KeyValuePair<string, string>> JwtClaims(string jwt) =>
        new JsonWebToken(jwt).Claims.Select(claim => KeyValuePair.Create(claim.Type, claim.Value));

    // One row per value: an array claim (entitlements, affiliations) shows each of its values.
    private static IEnumerable<KeyValuePair<string, string>> UserInfoClaims(JsonElement userInfo) =>
        userInfo.EnumerateObject().SelectMany(property => property.Value.ValueKind == JsonValueKind.Array
            ? property.Value.EnumerateArray().Select(item => KeyValuePair.Create(property.Name, item.ToString()))
            : [KeyValuePair.Create(property.Name, property.Value.ToString())]);

    private static string RedirectUri(HttpRequest request) => $"{request.Scheme}://{request.Host}{CallbackPath}";

    private static PendingLogin? ReadPendingLogin(HttpContext httpContext, IDataProtectionProvider protection)
    {
        try
        {
            return httpContext.Request.Cookies.TryGetValue(StateCookie, out var cookie)
                ? JsonSerializer.Deserialize<PendingLogin>(Protector(protection).Unprotect(cookie))
                : null;
        }
        catch (CryptographicException)
        {
            return null;
        }
    }

    private static IDataProtector Protector(IDataProtectionProvider protection) =>
        protection.CreateProtector("AaiProxy.DemoPortal", "PendingLogin", "v1");

    private static string RandomToken() => Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(32));
}
