using AaiProxy.Saml;
using AaiProxy.Saml.Bindings;
using AaiProxy.Saml.Logout;
using AaiProxy.Saml.Metadata;
using AaiProxy.Saml.Requests;
using AaiProxy.Saml.Validation;
using AaiProxy.Server.Logout;
using AaiProxy.Server.Session;
using AaiProxy.Server.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace AaiProxy.Server.Upstream.Saml;

/// <summary>
/// The SAML SP's HTTP surface: thin handlers that bind HTTP to the pure protocol classes of
/// AaiProxy.Saml, and hand validated identities to <see cref="UpstreamSignIn"/>.
/// </summary>
internal static class SamlEndpoints
{
    public static IEndpointRouteBuilder MapSamlEndpoints(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet(SamlPaths.Metadata, (SamlMetadataDocument metadata) =>
            Results.Text(metadata.Current(), "application/samlmetadata+xml"));
        // The ACS is served by the SAML authentication handler (SamlAuthenticationHandler) before routing's
        // endpoint runs; this route declares it so that per-endpoint policies (rate limits) apply to it. The
        // IdP's response is a cross-site POST by design, authenticated by its XML signature and bound to this
        // browser through InResponseTo, not by an antiforgery token.
        endpoints.MapMethods(SamlPaths.AssertionConsumerService, [HttpMethods.Get, HttpMethods.Post], () => Results.NotFound())
            .DisableAntiforgery().WithRateLimitedEndpoint(RateLimitedEndpoints.AssertionConsumerService);
        endpoints.MapGet(SamlPaths.SingleLogoutService, SingleLogoutAsync);
        return endpoints;
    }

    /// <summary>
    /// Single Logout over HTTP-Redirect (Profiles 4.4): an IdP-initiated LogoutRequest ends the proxy
    /// session and is answered; a LogoutResponse answers the request we sent at RP-initiated logout.
    /// </summary>
    private static async Task<IResult> SingleLogoutAsync(HttpContext httpContext, LogoutRequestValidator requests,
        LogoutResponseValidator responses, LogoutResponseWriter answers, PendingSamlRequests pending, ClientLogout clientLogout,
        ILogger<SamlLoginLog> logger)
    {
        var correlationId = CorrelationId.Of(httpContext);
        try
        {
            var message = httpContext.Request.DecodeSamlRedirect();
            if (message.Kind == SamlMessageKind.Request)
            {
                var request = await requests.ValidateAsync(message, httpContext.RequestAborted);
                var status = await EndMatchingSessionAsync(httpContext, request, clientLogout);
                SamlLog.LogoutRequestHandled(logger, request.IdentityProvider.EntityId, status, correlationId);
                return Results.Redirect(answers.Write(request, status));
            }

            var sent = pending.Take(httpContext, message.RelayState);
            if (sent is null)
            {
                SamlLog.UnexpectedLogoutResponse(logger, correlationId);
                return ErrorPage.Render(StatusCodes.Status400BadRequest, "unexpected_logout_response",
                    "This sign-out answer does not belong to a sign-out started in this browser.", correlationId);
            }

            // Our session ended before the browser went to the IdP; what remains open is the IdP's. An
            // answer we cannot trust (Profiles 4.4.4.2: it must be signed) or a partial logout is said so
            // plainly, and the person may still continue to where the sign-out was going.
            ValidatedLogoutResponse response;
            try
            {
                response = await responses.ValidateAsync(message, sent.RequestId, sent.IdentityProvider, httpContext.RequestAborted);
            }
            catch (SamlLogoutException invalid)
            {
                SamlLog.LogoutMessageRejected(logger, LogText.Untrusted(invalid.Message)!, correlationId);
                return SignedOutHereOnly(ReturnUrl(sent), "Your identity provider's confirmation could not be verified.", correlationId);
            }

            SamlLog.LogoutResponseReceived(logger, response.IdentityProvider.EntityId, response.StatusCode, correlationId);
            return response.IsSuccess
                ? Results.Redirect(ReturnUrl(sent))
                : SignedOutHereOnly(ReturnUrl(sent), "Your identity provider reports that it could not end every session.", correlationId);
        }
        catch (Exception ex) when (ex is SamlBindingException or SamlLogoutException)
        {
            SamlLog.LogoutMessageRejected(logger, LogText.Untrusted(ex.Message)!, correlationId);
            return ErrorPage.Render(StatusCodes.Status400BadRequest, "invalid_logout_message",
                "The sign-out message from your identity provider is not valid.", correlationId);
        }
    }

    private static string ReturnUrl(PendingSamlRequest sent) => LocalUrl.OrRoot(new AuthenticationProperties(sent.Items).RedirectUri);

    private static IResult SignedOutHereOnly(string returnUrl, string reason, string correlationId) =>
        HtmlPage.Render("Signed out of this service",
            $"""
            <p>You are signed out of this service.</p>
            <p>{HtmlPage.Encode(reason)} Your session at your identity provider may still be open: close your
            browser to be sure it has ended.</p>
            <p><a href="{HtmlPage.Encode(returnUrl)}" data-testid="continue">Continue</a></p>
            <p>Correlation id: <code data-correlation-id>{HtmlPage.Encode(correlationId)}</code></p>
            """);

    // Core 3.7.3.2: end the sessions of the NameID (and SessionIndex, when given) the IdP names. A
    // front-channel request arrives in the person's own browser, so their proxy session is this one; the
    // clients that received tokens in it are told (back-channel logout) as at any other sign-out.
    private static async Task<string> EndMatchingSessionAsync(HttpContext httpContext, ValidatedLogoutRequest request, ClientLogout clientLogout)
    {
        var current = await httpContext.AuthenticateAsync(SessionDefaults.Scheme);
        var session = SamlSession.Read(current.Properties);
        if (session is null)
        {
            return SamlStatusCodes.Success; // nothing of this IdP's is signed in here
        }

        var matches = session.IdentityProviderEntityId == request.IdentityProvider.EntityId &&
                      session.NameId == request.NameId.Value &&
                      (request.SessionIndexes.Count == 0 || request.SessionIndexes.Contains(session.SessionIndex ?? ""));
        if (!matches)
        {
            return SamlStatusCodes.Requester;
        }

        if (await ProxySession.ReadAsync(httpContext) is { } ended)
        {
            await clientLogout.SessionEndedAsync(ended, httpContext.RequestAborted);
        }

        await httpContext.SignOutAsync(SessionDefaults.Scheme);
        return SamlStatusCodes.Success;
    }
}

/// <summary>Log category for SAML logins and logouts.</summary>
internal sealed class SamlLoginLog;
