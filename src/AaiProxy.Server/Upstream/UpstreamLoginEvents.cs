using AaiProxy.Identity;
using AaiProxy.Server.Operations;
using AaiProxy.Server.Web;
using Microsoft.AspNetCore.Authentication;

namespace AaiProxy.Server.Upstream;

/// <summary>
/// How every upstream scheme ends a failed login, whatever its protocol: when the failure is one the
/// client must hear (access denied, unmet authentication requirements) it goes back to the authorization
/// request that started the login, which answers the client; otherwise the person sees a page in plain
/// words with a correlation id (the handler logged the reason under the same id). The failure is counted by
/// protocol and upstream (a SAML IdP's entity ID as chosen before the request left, an OIDC provider's configured
/// issuer: never a value the response names, so the metric's tags stay bounded).
/// </summary>
public static class UpstreamLoginEvents
{
    /// <param name="protocol">One of <see cref="UpstreamProtocols"/>.</param>
    /// <param name="issuer">The upstream, when the scheme is one provider's; else the one the login asked for.</param>
    public static async Task OnRemoteFailure(RemoteFailureContext context, string protocol, string? issuer = null)
    {
        context.HandleResponse();
        var httpContext = context.HttpContext;
        var failure = context.Failure as UpstreamLoginException ?? new UpstreamLoginException(StatusCodes.Status400BadRequest,
            "upstream_login_failed", "The sign-in at your identity provider could not be completed.");
        var requested = RequestedAuthentication.From(context.Properties);
        httpContext.RequestServices.GetRequiredService<ProxyMetrics>().LoginFailed(protocol, issuer ?? requested?.Provider, failure.Error);
        if (failure.OAuthError is { } error && requested is not null && LocalUrl.IsLocal(requested.ReturnUrl))
        {
            var relay = httpContext.RequestServices.GetRequiredService<UpstreamErrorRelay>();
            httpContext.Response.Redirect(relay.Append(requested.ReturnUrl, error, failure.ClientDescription ?? failure.PersonMessage));
            return;
        }

        await ErrorPage.Render(failure.StatusCode, failure.Error, failure.PersonMessage, CorrelationId.Of(httpContext)).ExecuteAsync(httpContext);
    }
}
