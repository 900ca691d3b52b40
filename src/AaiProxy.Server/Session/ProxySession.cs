using System.Security.Claims;
using System.Security.Cryptography;
using AaiProxy.Identity;
using AaiProxy.Server.Configuration;
using AaiProxy.Server.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace AaiProxy.Server.Session;

public static class SessionDefaults
{
    /// <summary>The proxy's own browser session: who the person is, after an upstream login.</summary>
    public const string Scheme = "AaiProxy.Session";

    /// <summary>Where a person chooses how to sign in upstream.</summary>
    public const string LoginPath = "/login";
}

/// <summary>The claims of the proxy's session cookie: nothing but what ties the browser to a person.</summary>
public static class SessionClaims
{
    /// <summary>The community account id (OIDC <c>sub</c>).</summary>
    public const string AccountId = Claims.Subject;

    /// <summary>The stored link between the upstream identity and the account, so claims can be recomputed.</summary>
    public const string LinkId = "aaiproxy_link";

    /// <summary>The upstream authentication scheme the person signed in through (logout dispatches on it).</summary>
    public const string UpstreamScheme = "aaiproxy_upstream";

    /// <summary>The authentication context class the upstream provider stated for this session's login.</summary>
    public const string ContextClass = "acr";

    /// <summary>This login session's id: the <c>sid</c> of every ID token issued in it, to every client (OpenID Connect
    /// Front-Channel Logout 1.0 §3), and what a logout token names (Back-Channel Logout 1.0 §2.4).</summary>
    public const string SessionId = "sid";
}

/// <summary>Reading the proxy's session: who, through which upstream, how they authenticated, and the session's id.</summary>
public sealed record ProxySession(string AccountId, string LinkId, string UpstreamScheme, UpstreamAuthentication Authentication, string SessionId)
{
    /// <summary>AuthenticationProperties item: when the upstream provider authenticated the person (round-trip
    /// format). The cookie's own IssuedUtc is when this session started, which bounds its lifetime.</summary>
    private const string AuthenticatedAtItem = "aaiproxy.auth_time";

    public static async Task<ProxySession?> ReadAsync(HttpContext httpContext)
    {
        var result = await httpContext.AuthenticateAsync(SessionDefaults.Scheme);
        return result.Succeeded ? From(result.Principal, result.Properties) : null;
    }

    private static ProxySession? From(ClaimsPrincipal? principal, AuthenticationProperties? properties)
    {
        if (principal?.FindFirst(SessionClaims.AccountId)?.Value is not { } accountId ||
            principal.FindFirst(SessionClaims.LinkId)?.Value is not { } linkId ||
            principal.FindFirst(SessionClaims.UpstreamScheme)?.Value is not { } scheme ||
            principal.FindFirst(SessionClaims.SessionId)?.Value is not { } sessionId ||
            properties?.Items.TryGetValue(AuthenticatedAtItem, out var authenticatedAt) != true ||
            !DateTimeOffset.TryParse(authenticatedAt, null, System.Globalization.DateTimeStyles.RoundtripKind, out var instant))
        {
            return null;
        }

        return new ProxySession(accountId, linkId, scheme,
            new UpstreamAuthentication(instant, principal.FindFirst(SessionClaims.ContextClass)?.Value), sessionId);
    }

    /// <summary>The session principal and properties for a person who just signed in upstream. The session's
    /// lifetime counts from <paramref name="now"/>; when the person authenticated upstream (<c>auth_time</c>,
    /// what <c>max_age</c> is judged by) is kept beside it, never later than now.</summary>
    public static (ClaimsPrincipal Principal, AuthenticationProperties Properties) Create(string accountId, string linkId,
        string upstreamScheme, UpstreamAuthentication authentication, AuthenticationProperties properties, DateTimeOffset now)
    {
        var identity = new ClaimsIdentity(SessionDefaults.Scheme);
        identity.AddClaim(new Claim(SessionClaims.AccountId, accountId));
        identity.AddClaim(new Claim(SessionClaims.LinkId, linkId));
        identity.AddClaim(new Claim(SessionClaims.UpstreamScheme, upstreamScheme));
        // Random, unguessable and opaque (it goes to every client of the session): 128 bits.
        identity.AddClaim(new Claim(SessionClaims.SessionId, Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(16))));
        if (authentication.ContextClass is { } contextClass)
        {
            identity.AddClaim(new Claim(SessionClaims.ContextClass, contextClass));
        }

        var authenticatedAt = authentication.AuthenticatedAt > now ? now : authentication.AuthenticatedAt;
        properties.IssuedUtc = now;
        properties.ExpiresUtc = null; // the cookie handler sets it from IssuedUtc and the configured lifetime
        properties.Items[AuthenticatedAtItem] = authenticatedAt.ToString("O");
        return (new ClaimsPrincipal(identity), properties);
    }
}

internal static class SessionServiceCollectionExtensions
{
    public static IServiceCollection AddProxySession(this IServiceCollection services)
    {
        services.AddAuthentication(SessionDefaults.Scheme).AddCookie(SessionDefaults.Scheme);
        services.AddOptions<CookieAuthenticationOptions>(SessionDefaults.Scheme)
            .Configure<IOptions<ProxyOptions>, ListeningOrigins>((options, proxy, origins) =>
            {
                var https = origins.PublicOriginIsHttps(proxy.Value);
                options.Cookie.Name = ProxyCookies.Name(SessionDefaults.Scheme, https);
                options.Cookie.HttpOnly = true;
                options.Cookie.SameSite = SameSiteMode.Lax;
                options.Cookie.Path = "/";
                options.Cookie.SecurePolicy = https ? CookieSecurePolicy.Always : CookieSecurePolicy.SameAsRequest;
                options.LoginPath = SessionDefaults.LoginPath;
                options.ExpireTimeSpan = proxy.Value.SessionLifetime;
                options.SlidingExpiration = false;
            });
        return services;
    }
}
