using AaiProxy.Server.Configuration;
using AaiProxy.Server.Session;
using AaiProxy.Upstream.Oidc;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;

namespace AaiProxy.Server.Upstream.Oidc;

/// <summary>
/// Configures the OpenID Connect handler of each upstream provider's scheme from its
/// <see cref="OidcProviderOptions"/>: authorization code flow with PKCE (S256), the answer as a query to the
/// provider's callback (so the handler's cookies need only SameSite=Lax), ID tokens accepted from the configured
/// issuer only, claims kept under their own names, and the proxy's session as the sign-in scheme.
/// </summary>
internal sealed class OidcSchemeSetup(IOptions<OidcProvidersOptions> providers, IOptions<ProxyOptions> proxy, ListeningOrigins origins)
    : IConfigureNamedOptions<OpenIdConnectOptions>
{
    public void Configure(OpenIdConnectOptions options) => Configure(Options.DefaultName, options);

    public void Configure(string? name, OpenIdConnectOptions options)
    {
        if (name is null || providers.Value.Find(name) is not { } provider)
        {
            return;
        }

        options.Authority = provider.Authority;
        options.RequireHttpsMetadata = !provider.AllowInsecureHttp;
        options.ClientId = provider.ClientId;
        options.ClientSecret = provider.ClientSecretFile is { } file ? File.ReadAllText(file).TrimEnd() : null;
        options.ResponseType = OpenIdConnectResponseType.Code;
        options.ResponseMode = OpenIdConnectResponseMode.Query;
        options.UsePkce = true;
        options.Scope.Clear();
        foreach (var scope in provider.EffectiveScopes)
        {
            options.Scope.Add(scope);
        }

        options.CallbackPath = OidcPaths.Callback(provider.Id);
        options.SignedOutCallbackPath = OidcPaths.SignedOutCallback(provider.Id);
        // No front-channel logout: the handler would end the proxy session on any top-level GET that names no
        // session (logout CSRF), which the proxy's own end-session endpoint refuses to do.
        options.RemoteSignOutPath = PathString.Empty;
        options.SignInScheme = SessionDefaults.Scheme;
        options.SignOutScheme = SessionDefaults.Scheme;
        options.TokenValidationParameters.ValidIssuer = provider.Authority;

        // Claims keep their JWT names; no claim of the ID token is deleted (the adapter reads what it needs:
        // sub, acr, auth_time, iat and the mapped claims); from userinfo only the mapped claims are taken, and
        // only when the ID token did not carry them.
        options.MapInboundClaims = false;
        options.GetClaimsFromUserInfoEndpoint = provider.GetClaimsFromUserInfoEndpoint;
        options.ClaimActions.Clear();
        foreach (var claim in Mapping(provider).ClaimNames)
        {
            options.ClaimActions.MapUniqueJsonKey(claim, claim);
        }

        // The tokens ride in the properties to the session; the events keep only the ID token (for logout's id_token_hint).
        options.SaveTokens = true;

        // The answer is a top-level GET redirect back to us: Lax is enough and stricter than the default None.
        var https = origins.PublicOriginIsHttps(proxy.Value);
        foreach (var cookie in new[] { options.CorrelationCookie, options.NonceCookie })
        {
            cookie.SameSite = SameSiteMode.Lax;
            cookie.SecurePolicy = https ? CookieSecurePolicy.Always : CookieSecurePolicy.SameAsRequest;
        }

        options.EventsType = typeof(OidcUpstreamEvents);
    }

    /// <summary>A provider's claim mapping: the defaults with its overrides (validated at start).</summary>
    public static OidcClaimMapping Mapping(OidcProviderOptions provider) =>
        provider.ClaimMappings.Count == 0 ? OidcClaimMapping.Default : OidcClaimMapping.WithOverrides(provider.ClaimMappings);
}
