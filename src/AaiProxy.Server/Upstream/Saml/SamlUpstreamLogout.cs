using AaiProxy.Saml.Logout;
using AaiProxy.Saml.Metadata;
using AaiProxy.Server.Session;
using AaiProxy.Server.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace AaiProxy.Server.Upstream.Saml;

/// <summary>
/// Sign-out of a session that came from a SAML IdP with Single Logout: ends the proxy session and sends the
/// browser to the IdP with a LogoutRequest; the IdP's answer comes back to
/// <see cref="SamlPaths.SingleLogoutService"/>, which continues to the return URL.
/// </summary>
internal sealed class SamlUpstreamLogout(
    IIdentityProviderMetadataProvider identityProviders,
    LogoutRequestWriter writer,
    PendingSamlRequests pending,
    IOptions<SamlOptions> options,
    TimeProvider time,
    ILogger<SamlLoginLog> logger) : IUpstreamLogout
{
    public string Scheme => SamlAuthenticationDefaults.Scheme;

    public async Task<IResult?> TryStartAsync(HttpContext httpContext, ProxySession session, string returnUrl)
    {
        var current = await httpContext.AuthenticateAsync(SessionDefaults.Scheme);
        if (SamlSession.Read(current.Properties) is not { } samlSession ||
            await identityProviders.FindAsync(samlSession.IdentityProviderEntityId, httpContext.RequestAborted) is not
                { SingleLogoutServiceRedirectUrl: not null } identityProvider)
        {
            return null;
        }

        var relayState = PendingSamlRequests.NewRelayState();
        var request = writer.Write(identityProvider,
            new SamlNameId(samlSession.NameId, samlSession.NameIdFormat, samlSession.NameQualifier, samlSession.SpNameQualifier),
            samlSession.SessionIndex is null ? [] : [samlSession.SessionIndex], relayState);
        var properties = new AuthenticationProperties { RedirectUri = LocalUrl.OrRoot(returnUrl) };
        pending.Remember(httpContext, relayState, new PendingSamlRequest(request.RequestId, identityProvider.EntityId,
            time.GetUtcNow() + options.Value.OutstandingRequestLifetime, RequestedContexts: [], properties.Items));
        await httpContext.SignOutAsync(SessionDefaults.Scheme);
        SamlLog.LogoutRequestSent(logger, request.RequestId, identityProvider.EntityId, CorrelationId.Of(httpContext));
        return Results.Redirect(request.RedirectUrl);
    }
}
