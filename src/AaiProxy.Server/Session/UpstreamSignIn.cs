using System.Security.Claims;
using AaiProxy.Identity;
using AaiProxy.Server.Oidc;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;

namespace AaiProxy.Server.Session;

public static class SessionDefaults
{
    /// <summary>The proxy's own browser session: who the person is, after an upstream login.</summary>
    public const string Scheme = "AaiProxy.Session";

    /// <summary>Where a person without a session is sent: the choice of upstream identity provider.</summary>
    public const string LoginPath = "/login";
}

/// <summary>
/// The seam between upstream logins and the proxy: every upstream protocol (the demo login, the SAML
/// assertion consumer service, …) ends by handing its validated <see cref="UpstreamIdentity"/> here.
/// It resolves (or creates) the community account and starts the proxy's session.
/// </summary>
public sealed class UpstreamSignIn(ICommunityAccountResolver accounts, ILogger<UpstreamSignIn> logger)
{
    /// <summary>Signs the person into the proxy's session and returns their community account id. The
    /// session remembers how this login authenticated (<c>acr</c>, time), which tokens issued from it state.</summary>
    /// <param name="properties">Session properties the upstream protocol keeps for later (e.g. the SAML
    /// session for Single Logout); stored in the data-protected session cookie.</param>
    public async Task<string> SignInAsync(HttpContext httpContext, UpstreamIdentity upstream, AuthenticationProperties? properties = null)
    {
        var resolved = await accounts.ResolveAsync(upstream, httpContext.RequestAborted);

        var identity = new ClaimsIdentity(SessionDefaults.Scheme);
        identity.AddClaim(new Claim(OpenIddict.Abstractions.OpenIddictConstants.Claims.Subject, resolved.Account.Id));
        identity.AddClaim(new Claim(CommunityPrincipalFactory.LinkIdClaim, resolved.LinkId));
        if (upstream.Authentication.ContextClass is { } contextClass)
        {
            identity.AddClaim(new Claim(CommunityClaims.AuthenticationContextClass, contextClass));
        }

        properties ??= new AuthenticationProperties();
        properties.IssuedUtc = upstream.Authentication.AuthenticatedAt;

        await httpContext.SignInAsync(SessionDefaults.Scheme, new ClaimsPrincipal(identity), properties);
        Log.SignedIn(logger, resolved.Account.Id, upstream.Protocol, upstream.Issuer);
        return resolved.Account.Id;
    }
}

internal static class SessionAuthentication
{
    /// <summary>How the person authenticated for this session (not the latest login of their link).</summary>
    public static UpstreamAuthentication Of(AuthenticateResult session) => new(
        session.Properties?.IssuedUtc ?? DateTimeOffset.MinValue,
        session.Principal?.FindFirst(CommunityClaims.AuthenticationContextClass)?.Value);
}

internal static class SessionServiceCollectionExtensions
{
    public static IServiceCollection AddProxySession(this IServiceCollection services)
    {
        services.AddAuthentication(SessionDefaults.Scheme)
            .AddCookie(SessionDefaults.Scheme, options =>
            {
                options.Cookie.Name = SessionDefaults.Scheme;
                options.Cookie.HttpOnly = true;
                options.Cookie.SameSite = SameSiteMode.Lax;
                options.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
                options.LoginPath = SessionDefaults.LoginPath;
                options.ReturnUrlParameter = "returnUrl";
                options.ExpireTimeSpan = TimeSpan.FromHours(8);
                options.SlidingExpiration = false;
            });
        services.AddScoped<UpstreamSignIn>();
        return services;
    }
}
