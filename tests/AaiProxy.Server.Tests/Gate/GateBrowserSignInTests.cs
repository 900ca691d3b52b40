using System.Net;
using System.Security.Claims;
using AaiProxy.Server.Gate;
using AaiProxy.Server.Tests.Infrastructure;
using AaiProxy.Tests.Shared;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;

namespace AaiProxy.Server.Tests.Gate;

/// <summary>The proxy of config/demo.json with the gate's browser sign-in: one download host registered, its web server a known proxy.</summary>
public sealed class BrowserSignInProxyFixture : ProxyFixture
{
    public const string ClientId = "gate-browser-test";
    public const string DownloadHost = "download.example.org";
    public const string Callback = $"https://{DownloadHost}/gate/oauth2/callback";
    public static readonly IPAddress WebServer = IPAddress.Parse("192.0.2.10");

    /// <summary>Sign-in starts per browser address an hour: more than the other tests make from theirs.</summary>
    public const int SignInStartsPerWindow = 10;

    protected override IReadOnlyDictionary<string, string> Overrides { get; } = new Dictionary<string, string>
    {
        ["AaiProxy:Issuer"] = ProxyFactory.Origin + "/",
        ["AaiProxy:ReverseProxy:KnownProxies:0"] = WebServer.ToString(),
        ["AaiProxy:Gate:BrowserSignIn:ClientId"] = ClientId,
        ["AaiProxy:RateLimiting:Endpoints:gate-sign-in:PermitLimit"] = SignInStartsPerWindow.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["AaiProxy:RateLimiting:Endpoints:gate-sign-in:Window"] = "01:00:00",
        [ConfiguredClients.Key(1, "ClientId")] = ClientId,
        [ConfiguredClients.Key(1, "Type")] = "Confidential",
        [ConfiguredClients.Key(1, "ClientSecret")] = "gate-browser-test-secret",
        [ConfiguredClients.Key(1, "FacilityInternal")] = "true",
        [ConfiguredClients.Key(1, "RedirectUris:0")] = Callback,
        [ConfiguredClients.Key(1, "AllowedGrants:0")] = "authorization_code",
        [ConfiguredClients.Key(1, "AllowedScopes:0")] = "openid",
        [ConfiguredClients.Key(1, "Resources:0")] = TokenExchangeTests.Download,
    };
}

/// <summary>
/// The gate's browser sign-in in process: the start on a registered download host (as its web server forwards it), and
/// <c>/gate/check</c> reading the gate cookie (made with the cookie scheme's own data-protected format) as it reads a bearer token.
/// </summary>
public sealed class GateBrowserSignInTests(BrowserSignInProxyFixture fixture) : IClassFixture<BrowserSignInProxyFixture>
{
    private const string Embargoed = "/data/demo/DEMO-2026-017/raw/scan_0001.h5";
    private readonly OidcTestClient _oidc = new(fixture.Factory);

    [Fact]
    public async Task Start_on_a_registered_download_host_sends_the_browser_to_the_proxy_with_that_hosts_callback_pkce_state_nonce_and_the_gate_resource()
    {
        var response = await StartAsync("?rd=%2Fdata%2Fdemo%2FDEMO-2026-017%2Fraw%2Fscan_0001.h5", fixture.DownloadHostForwarding());

        Assert.Equal(StatusCodes.Status302Found, response.StatusCode);
        var location = new Uri(response.Headers.Location.ToString());
        Assert.Equal(ProxyFactory.Origin + "/connect/authorize", location.GetLeftPart(UriPartial.Path));
        var query = QueryHelpers.ParseQuery(location.Query);
        Assert.Equal(BrowserSignInProxyFixture.ClientId, query["client_id"]);
        Assert.Equal(BrowserSignInProxyFixture.Callback, query["redirect_uri"]);
        Assert.Equal("code", query["response_type"]);
        Assert.Equal("openid", query["scope"]);
        Assert.Equal(TokenExchangeTests.Download, query["resource"]);
        Assert.Equal("S256", query["code_challenge_method"]);
        Assert.False(string.IsNullOrEmpty(query["code_challenge"]));
        Assert.False(string.IsNullOrEmpty(query["state"]));
        Assert.False(string.IsNullOrEmpty(query["nonce"]));

        // The flow's correlation and nonce cookies are the download host's: __Host- (Secure, Path=/, no Domain), Lax, HttpOnly.
        var cookies = response.Headers.SetCookie.ToArray();
        Assert.Equal(2, cookies.Length);
        Assert.All(cookies, cookie =>
        {
            Assert.StartsWith("__Host-aaiproxy-gate-", cookie, StringComparison.Ordinal);
            Assert.Contains("path=/;", cookie, StringComparison.Ordinal);
            Assert.Contains("secure", cookie, StringComparison.Ordinal);
            Assert.Contains("samesite=lax", cookie, StringComparison.Ordinal);
            Assert.Contains("httponly", cookie, StringComparison.Ordinal);
            Assert.DoesNotContain("domain=", cookie, StringComparison.Ordinal);
        });
    }

    [Fact]
    public async Task Forwarded_host_from_an_address_that_is_no_known_proxy_is_not_believed()
    {
        var response = await StartAsync("?rd=%2F", context =>
        {
            fixture.DownloadHostForwarding()(context);
            context.Connection.RemoteIpAddress = IPAddress.Parse("203.0.113.5");
        });

        Assert.Equal(StatusCodes.Status400BadRequest, response.StatusCode);
        Assert.Empty(response.Headers.Location.ToString());
    }

    [Fact]
    public async Task Download_host_without_a_registered_callback_is_told_what_to_register()
    {
        var response = await StartAsync("?rd=%2F", context =>
        {
            fixture.DownloadHostForwarding()(context);
            context.Request.Headers["X-Forwarded-Host"] = "mirror.example.org";
        });

        Assert.Equal(StatusCodes.Status400BadRequest, response.StatusCode);
        var body = await new StreamReader(response.Body).ReadToEndAsync();
        Assert.Contains("unregistered_download_host", body, StringComparison.Ordinal);
        Assert.Contains("add https://mirror.example.org/gate/oauth2/callback to the RedirectUris of client 'gate-browser-test'", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sign_in_starts_are_rate_limited_per_browser_address_behind_the_download_hosts_web_server()
    {
        Action<HttpContext> fromOneBrowser = context =>
        {
            fixture.DownloadHostForwarding()(context);
            context.Request.Headers["X-Forwarded-For"] = "198.51.100.99";
        };
        for (var start = 0; start < BrowserSignInProxyFixture.SignInStartsPerWindow; start++)
            Assert.Equal(StatusCodes.Status302Found, (await StartAsync("?rd=%2F", fromOneBrowser)).StatusCode);

        Assert.Equal(StatusCodes.Status429TooManyRequests, (await StartAsync("?rd=%2F", fromOneBrowser)).StatusCode);
        Assert.Equal(StatusCodes.Status302Found, (await StartAsync("?rd=%2F", fixture.DownloadHostForwarding())).StatusCode);
    }

    [Theory]
    [InlineData("?rd=https%3A%2F%2Fevil.example%2F")]
    [InlineData("?rd=%2F%2Fevil.example%2F")]
    [InlineData("?rd=%2F%5Cevil.example%2F")]
    public async Task Start_refuses_a_return_path_off_the_download_host(string query)
    {
        var response = await StartAsync(query, fixture.DownloadHostForwarding());

        Assert.Equal(StatusCodes.Status400BadRequest, response.StatusCode);
        Assert.Contains("invalid_return_path", await new StreamReader(response.Body).ReadToEndAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Gate_cookie_holding_a_gate_token_is_accepted_as_that_bearer_token_would_be()
    {
        var token = await GateCheckTests.GateTokenAsync(_oidc, "alice");

        using var response = await CheckAsync(authorization: null, cookie: GateCookie(token, DateTimeOffset.UtcNow.AddHours(1)));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(new JsonWebToken(token).Subject, response.Headers.GetValues("X-AaiProxy-Subject").Single());
        Assert.Equal("demo/DEMO-2026-017", response.Headers.GetValues("X-AaiProxy-Proposal").Single());
    }

    [Fact]
    public async Task Gate_cookie_of_a_non_member_is_forbidden_as_the_bearer_token_would_be()
    {
        var token = await GateCheckTests.GateTokenAsync(_oidc, "bob");

        using var response = await CheckAsync(authorization: null, cookie: GateCookie(token, DateTimeOffset.UtcNow.AddHours(1)));

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Fact]
    public async Task Gate_cookie_holding_a_token_for_another_audience_counts_as_none_and_the_browser_is_sent_to_sign_in()
    {
        var portalToken = (await _oidc.CodeFlowAsync("alice", "openid profile")).GetProperty("access_token").GetString()!;

        using var response = await CheckAsync(authorization: null, cookie: GateCookie(portalToken, DateTimeOffset.UtcNow.AddHours(1)));

        AssertSentToSignIn(response);
    }

    [Fact]
    public async Task Expired_gate_cookie_sends_the_browser_to_sign_in_again()
    {
        var token = await GateCheckTests.GateTokenAsync(_oidc, "alice");

        using var response = await CheckAsync(authorization: null, cookie: GateCookie(token, DateTimeOffset.UtcNow.AddMinutes(-1)));

        AssertSentToSignIn(response);
    }

    [Fact]
    public async Task Bearer_header_wins_over_a_valid_gate_cookie()
    {
        var token = await GateCheckTests.GateTokenAsync(_oidc, "alice");

        using var response = await CheckAsync(authorization: "Bearer not-a-token", cookie: GateCookie(token, DateTimeOffset.UtcNow.AddHours(1)));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains("error=\"invalid_token\"", response.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
        Assert.False(response.Headers.Contains(GateSignInLink.Header));
    }

    [Fact]
    public async Task Script_without_a_token_gets_the_plain_challenge_and_no_sign_in_link()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, GateEndpoint.Path);
        request.Headers.Add("X-Original-URI", Embargoed);
        request.Headers.Add("Accept", "*/*");

        using var response = await fixture.Factory.CreateDefaultClient().SendAsync(request);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("Bearer realm=\"aaiproxy-gate\"", response.Headers.WwwAuthenticate.ToString());
        Assert.False(response.Headers.Contains(GateSignInLink.Header));
    }

    private static void AssertSentToSignIn(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("Bearer realm=\"aaiproxy-gate\"", response.Headers.WwwAuthenticate.ToString());
        Assert.Equal("/gate/oauth2/start?rd=" + Uri.EscapeDataString(Embargoed), response.Headers.GetValues(GateSignInLink.Header).Single());
    }

    /// <summary>A browser's navigation to <see cref="Embargoed"/> as nginx's sub-request passes it: its Cookie header, its Fetch metadata.</summary>
    private Task<HttpResponseMessage> CheckAsync(string? authorization, string cookie)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, GateEndpoint.Path);
        request.Headers.Add("X-Original-URI", Embargoed);
        request.Headers.Add("Sec-Fetch-Mode", "navigate");
        request.Headers.Add("Accept", "text/html");
        request.Headers.Add("Cookie", $"{GateSignInSchemes.CookieName}={cookie}");
        if (authorization is not null)
            request.Headers.TryAddWithoutValidation("Authorization", authorization);
        return fixture.Factory.CreateDefaultClient().SendAsync(request);
    }

    /// <summary>The gate cookie's value as the sign-in writes it: the cookie scheme's ticket with the access token alone.</summary>
    private string GateCookie(string accessToken, DateTimeOffset expires)
    {
        var options = fixture.Factory.Services.GetRequiredService<IOptionsMonitor<CookieAuthenticationOptions>>().Get(GateSignInSchemes.Cookie);
        var properties = new AuthenticationProperties { IssuedUtc = expires.AddHours(-1), ExpiresUtc = expires };
        properties.StoreTokens([new AuthenticationToken { Name = GateSignInSchemes.AccessTokenName, Value = accessToken }]);
        var principal = new ClaimsPrincipal(new ClaimsIdentity([new Claim("sub", new JsonWebToken(accessToken).Subject)], GateSignInSchemes.Cookie));
        return options.TicketDataFormat.Protect(new AuthenticationTicket(principal, properties, GateSignInSchemes.Cookie));
    }

    private async Task<HttpResponse> StartAsync(string query, Action<HttpContext> forwarding) =>
        (await fixture.Factory.Server.SendAsync(context =>
        {
            context.Request.Method = HttpMethods.Get;
            context.Request.Path = GateSignInPaths.Start;
            context.Request.QueryString = new QueryString(query);
            forwarding(context);
        })).Response;
}

internal static class BrowserSignInForwarding
{
    /// <summary>The request as the download host's web server (a known proxy) forwards it.</summary>
    public static Action<HttpContext> DownloadHostForwarding(this BrowserSignInProxyFixture fixture) => context =>
    {
        context.Connection.RemoteIpAddress = BrowserSignInProxyFixture.WebServer;
        context.Request.Headers["X-Forwarded-Host"] = BrowserSignInProxyFixture.DownloadHost;
        context.Request.Headers["X-Forwarded-Proto"] = "https";
        context.Request.Headers["X-Forwarded-For"] = "198.51.100.7";
    };
}
