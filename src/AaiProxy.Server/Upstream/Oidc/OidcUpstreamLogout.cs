using AaiProxy.Server.Session;
using AaiProxy.Server.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;

namespace AaiProxy.Server.Upstream.Oidc;

/// <summary>
/// Sign-out of a session that came from one OpenID Connect provider: when the provider publishes an
/// <c>end_session_endpoint</c> (RP-Initiated Logout 1.0), the proxy session ends and the browser goes there
/// with the session's <c>id_token_hint</c>, coming back through the scheme's signed-out callback to the return
/// URL; otherwise the proxy session ends here alone.
/// </summary>
internal sealed class OidcUpstreamLogout(string scheme, IOptionsMonitor<OpenIdConnectOptions> options, ILogger<OidcLoginLog> logger)
    : IUpstreamLogout
{
    public string Scheme => scheme;

    public async Task<IResult?> TryStartAsync(HttpContext httpContext, ProxySession session, string returnUrl)
    {
        var correlationId = CorrelationId.Of(httpContext);
        OpenIdConnectConfiguration configuration;
        try
        {
            configuration = await options.Get(scheme).ConfigurationManager!.GetConfigurationAsync(httpContext.RequestAborted);
        }
        catch (InvalidOperationException unavailable)
        {
            // The configuration manager wraps every retrieval failure (network, invalid document) in this.
            OidcLog.LogoutMetadataUnavailable(logger, scheme, LogText.Untrusted(unavailable.Message)!, correlationId);
            return null;
        }

        if (string.IsNullOrEmpty(configuration.EndSessionEndpoint))
        {
            return null;
        }

        var current = await httpContext.AuthenticateAsync(SessionDefaults.Scheme);
        var properties = new AuthenticationProperties { RedirectUri = LocalUrl.OrRoot(returnUrl) };
        if (current.Properties?.GetTokenValue(OpenIdConnectParameterNames.IdToken) is { } idToken)
        {
            properties.SetParameter(OidcUpstreamEvents.IdTokenHintParameter, idToken);
        }

        await httpContext.SignOutAsync(SessionDefaults.Scheme);
        OidcLog.LogoutSent(logger, scheme, correlationId);
        return Results.SignOut(properties, [scheme]);
    }
}
