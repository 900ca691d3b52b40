using AaiProxy.Server.Operations;
using AaiProxy.Server.Web;
using Microsoft.AspNetCore.Authentication;

namespace AaiProxy.Server.Upstream;

/// <summary>
/// How every upstream scheme ends a failed login, whatever its protocol: when the failure is one the
/// client must hear (access denied, unmet authentication requirements) it goes back to the authorization
/// request that started the login, which answers the client; otherwise the person sees a page in plain
/// words with a correlation id (the handler logged the reason under the same id).
/// </summary>
public static class UpstreamLoginEvents
{
    public static async Task OnRemoteFailure(RemoteFailureContext context)
    {
        context.HandleResponse();
        var httpContext = context.HttpContext;
        var failure = context.Failure as UpstreamLoginException ?? new UpstreamLoginException(StatusCodes.Status400BadRequest,
            "upstream_login_failed", "The sign-in at your identity provider could not be completed.");
        httpContext.RequestServices.GetRequiredService<ProxyMetrics>().LoginFailed(failure.Error);
        var requested = RequestedAuthentication.From(context.Properties);
        if (failure.OAuthError is { } error && requested is not null && LocalUrl.IsLocal(requested.ReturnUrl))
        {
            var relay = httpContext.RequestServices.GetRequiredService<UpstreamErrorRelay>();
            httpContext.Response.Redirect(relay.Append(requested.ReturnUrl, error, failure.ClientDescription ?? failure.PersonMessage));
            return;
        }

        await ErrorPage.Render(failure.StatusCode, failure.Error, failure.PersonMessage, CorrelationId.Of(httpContext)).ExecuteAsync(httpContext);
    }
}
