using AaiProxy.Server.Configuration;
using AaiProxy.Server.Oidc;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using OpenIddict.Server;

namespace AaiProxy.Server.Gate;

/// <summary>
/// The two authentication schemes of the gate's browser sign-in: ASP.NET Core's OpenID Connect handler as a client of
/// this proxy (code flow with PKCE, state and nonce; its callback is on each download host, where its correlation and
/// nonce cookies live) and a cookie scheme for the gate cookie, which holds the gate-audience access token only.
/// </summary>
public static class GateSignInSchemes
{
    public const string OpenIdConnect = "AaiProxy.Gate.OpenIdConnect";
    public const string Cookie = "AaiProxy.Gate.Cookie";

    /// <summary>The gate cookie on the download host: <c>__Host-</c> (Secure, Path=/, no Domain), HttpOnly, SameSite=Lax.</summary>
    public const string CookieName = "__Host-aaiproxy-gate";

    /// <summary>The name under which the cookie's ticket keeps the access token.</summary>
    public const string AccessTokenName = "access_token";
}

/// <summary>The gate cookie: data-protected (keys shared by every node), expiring with the access token it holds.</summary>
internal sealed class GateCookieSetup : IConfigureNamedOptions<CookieAuthenticationOptions>
{
    public void Configure(CookieAuthenticationOptions options) => Configure(Options.DefaultName, options);

    public void Configure(string? name, CookieAuthenticationOptions options)
    {
        if (name != GateSignInSchemes.Cookie)
            return;
        options.Cookie.Name = GateSignInSchemes.CookieName;
        options.Cookie.HttpOnly = true;
        options.Cookie.SameSite = SameSiteMode.Lax;
        options.Cookie.SecurePolicy = CookieSecurePolicy.Always;
        options.Cookie.Path = "/";
        // The ticket's expiry is the token's (set at sign-in); never extended.
        options.SlidingExpiration = false;
    }
}

/// <summary>
/// The gate's OpenID Connect client: the configured sign-in client, the proxy as its provider (<see cref="ProxyAsProvider"/>),
/// the answer as a query to the download host's callback (so every cookie of the flow can be SameSite=Lax), the gate's
/// audience as <c>resource</c> (<see cref="GateSignInEvents"/>).
/// </summary>
internal sealed class GateOpenIdConnectSetup(IOptions<GateOptions> gate, IOptions<ProxyOptions> proxy, ProxyAsProvider provider)
    : IConfigureNamedOptions<OpenIdConnectOptions>
{
    public void Configure(OpenIdConnectOptions options) => Configure(Options.DefaultName, options);

    public void Configure(string? name, OpenIdConnectOptions options)
    {
        if (name != GateSignInSchemes.OpenIdConnect || gate.Value.BrowserSignIn.ClientId is not { Length: > 0 } clientId)
            return;
        options.ClientId = clientId;
        options.ClientSecret = proxy.Value.Clients.FirstOrDefault(client => client.ClientId == clientId)?.ReadSecret();
        options.ConfigurationManager = provider;
        options.ResponseType = OpenIdConnectResponseType.Code;
        options.ResponseMode = OpenIdConnectResponseMode.Query;
        options.UsePkce = true;
        options.Scope.Clear();
        options.Scope.Add("openid");
        options.CallbackPath = GateSignInPaths.Callback;
        options.SignedOutCallbackPath = GateSignInPaths.SignedOutCallback;
        // No front-channel logout at the download host.
        options.RemoteSignOutPath = PathString.Empty;
        options.SignInScheme = GateSignInSchemes.Cookie;
        options.SignOutScheme = GateSignInSchemes.Cookie;
        options.MapInboundClaims = false;
        options.GetClaimsFromUserInfoEndpoint = false;
        // The events keep the access token alone; the ID token and the rest are not needed after the callback.
        options.SaveTokens = false;
        options.TokenValidationParameters.ValidIssuers = ProxyAsProvider.IssuerForms(proxy.Value);

        // On the download host, for the flow's duration; Path=/ for the __Host- prefix.
        options.CorrelationCookie.Name = "__Host-aaiproxy-gate-correlation.";
        options.NonceCookie.Name = "__Host-aaiproxy-gate-nonce.";
        foreach (var cookie in new[] { options.CorrelationCookie, options.NonceCookie })
        {
            cookie.Path = "/";
            cookie.SameSite = SameSiteMode.Lax;
            cookie.SecurePolicy = CookieSecurePolicy.Always;
            cookie.HttpOnly = true;
        }

        options.EventsType = typeof(GateSignInEvents);
    }
}

/// <summary>
/// This proxy as the gate's OpenID provider, without fetching its own discovery document: the endpoints under
/// <c>AaiProxy:Issuer</c> and the signing keys OpenIddict currently publishes (so a key rotation is seen at once).
/// </summary>
internal sealed class ProxyAsProvider(IOptions<ProxyOptions> proxy, IOptionsMonitor<OpenIddictServerOptions> server)
    : IConfigurationManager<OpenIdConnectConfiguration>
{
    /// <summary>The issuer as configured and without its trailing slash: OpenIddict's <c>iss</c> is one of them.</summary>
    public static string[] IssuerForms(ProxyOptions proxy) =>
        proxy.Issuer is { } issuer ? [issuer.AbsoluteUri, issuer.AbsoluteUri.TrimEnd('/')] : [];

    public Task<OpenIdConnectConfiguration> GetConfigurationAsync(CancellationToken cancel)
    {
        var issuer = proxy.Value.Issuer ?? throw new InvalidOperationException("AaiProxy:Issuer is required by the gate's browser sign-in.");
        var configuration = new OpenIdConnectConfiguration
        {
            Issuer = issuer.AbsoluteUri,
            AuthorizationEndpoint = Endpoint(issuer, ConnectEndpoints.Authorization),
            TokenEndpoint = Endpoint(issuer, ConnectEndpoints.Token),
            EndSessionEndpoint = Endpoint(issuer, ConnectEndpoints.EndSession),
        };
        foreach (var credentials in server.CurrentValue.SigningCredentials)
            configuration.SigningKeys.Add(credentials.Key);
        return Task.FromResult(configuration);
    }

    public void RequestRefresh()
    {
        // Nothing cached: every call reads the current keys.
    }

    public static string Endpoint(Uri issuer, string path) => new Uri(issuer, issuer.AbsolutePath.TrimEnd('/') + path).AbsoluteUri;
}
