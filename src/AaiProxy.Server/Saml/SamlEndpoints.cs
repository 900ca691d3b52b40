using AaiProxy.Saml;
using AaiProxy.Saml.Bindings;
using AaiProxy.Saml.Logout;
using AaiProxy.Saml.Metadata;
using AaiProxy.Saml.Requests;
using AaiProxy.Saml.Validation;
using AaiProxy.Server.Oidc;
using AaiProxy.Server.Session;
using AaiProxy.Server.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace AaiProxy.Server.Saml;

/// <summary>
/// The SAML SP's HTTP surface: thin handlers that bind HTTP to the pure protocol classes of
/// AaiProxy.Saml, and hand validated identities to <see cref="UpstreamSignIn"/>.
/// </summary>
internal static class SamlEndpoints
{
    private const int MaxRequestedContexts = 5;

    public static IEndpointRouteBuilder MapSamlEndpoints(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet(SamlPaths.Metadata, (SamlMetadataDocument metadata) =>
            Results.Text(metadata.Current(), "application/samlmetadata+xml"));
        endpoints.MapGet(SamlPaths.Login, StartLoginAsync);
        endpoints.MapPost(SamlPaths.AssertionConsumerService, ConsumeAssertionAsync)
            // The IdP's response is a cross-site POST by design; it is authenticated by its XML
            // signature and bound to this browser through InResponseTo, not by an antiforgery token.
            .DisableAntiforgery();
        endpoints.MapGet(SamlPaths.SingleLogoutService, SingleLogoutAsync);
        return endpoints;
    }

    /// <summary>Sends the browser to <paramref name="idp"/> with an AuthnRequest (Profiles 4.1.3.3).</summary>
    /// <param name="acr_values">Requested authentication context classes, space-separated (as OIDC's <c>acr_values</c>).</param>
    /// <param name="force">Ask the IdP to authenticate again (OIDC <c>prompt=login</c>).</param>
    private static async Task<IResult> StartLoginAsync(HttpContext httpContext, string? idp, string? returnUrl,
        string? acr_values, bool? force, IIdentityProviderMetadataProvider identityProviders, AuthnRequestWriter writer,
        PendingSamlRequests pending, IOptions<SamlOptions> options, TimeProvider time, ILogger<SamlLoginLog> logger)
    {
        var correlationId = CorrelationId.Of(httpContext);
        var identityProvider = string.IsNullOrEmpty(idp) ? null : await identityProviders.FindAsync(idp, httpContext.RequestAborted);
        if (identityProvider is null)
        {
            SamlLog.UnknownIdentityProviderRequested(logger, SamlLog.Untrusted(idp), correlationId);
            return ErrorPage.Render(StatusCodes.Status400BadRequest, "unknown_identity_provider",
                "The identity provider you chose is not known to this service.", correlationId);
        }

        var relayState = PendingSamlRequests.NewRelayState();
        var requestedContext = RequestedContext(acr_values);
        var request = writer.Write(identityProvider, new AuthnRequestOptions
        {
            ForceAuthn = force == true,
            RequestedAuthnContext = requestedContext,
            RelayState = relayState,
        });
        pending.Remember(httpContext, SamlPaths.AssertionConsumerService, relayState, new PendingSamlRequest(
            request.RequestId, identityProvider.EntityId, LocalOrRoot(returnUrl), time.GetUtcNow() + options.Value.OutstandingRequestLifetime,
            requestedContext?.ClassReferences ?? []));
        SamlLog.AuthnRequestSent(logger, request.RequestId, identityProvider.EntityId, correlationId);
        return Results.Redirect(request.RedirectUrl);
    }

    /// <summary>The Assertion Consumer Service (HTTP-POST, Profiles 4.1.4.2-4.1.4.3).</summary>
    private static async Task<IResult> ConsumeAssertionAsync(HttpContext httpContext, SamlResponseValidator validator,
        PendingSamlRequests pending, UpstreamSignIn signIn, ILogger<SamlLoginLog> logger)
    {
        var correlationId = CorrelationId.Of(httpContext);
        var form = await httpContext.Request.ReadFormAsync(httpContext.RequestAborted);
        var samlResponse = form["SAMLResponse"].ToString();
        if (string.IsNullOrEmpty(samlResponse))
        {
            SamlLog.AcsWithoutResponse(logger, correlationId);
            return ErrorPage.Render(StatusCodes.Status400BadRequest, "missing_saml_response",
                "No sign-in response from an identity provider arrived with this request.", correlationId);
        }

        var outstanding = pending.Take(httpContext, SamlPaths.AssertionConsumerService, form["RelayState"].ToString());
        SamlLoginResult login;
        try
        {
            login = await validator.ValidateAsync(samlResponse, outstanding?.RequestId, httpContext.RequestAborted);
        }
        catch (SamlStatusException status)
        {
            SamlLog.IdentityProviderRefused(logger, status.Issuer, SamlLog.Untrusted(status.StatusCode)!,
                SamlLog.Untrusted(status.SecondLevelStatusCode), SamlLog.Untrusted(status.StatusMessage), correlationId);
            return ErrorPage.Render(StatusCodes.Status401Unauthorized, "identity_provider_refused",
                SamlFailureMessages.For(status), correlationId);
        }
        catch (SamlValidationException invalid)
        {
            SamlLog.ResponseRejected(logger, invalid.Error, invalid.FromEncryptedAssertion, SamlLog.Untrusted(invalid.Reason)!, correlationId);
            return ErrorPage.Render(StatusCodes.Status400BadRequest, "invalid_saml_response",
                SamlFailureMessages.For(invalid), correlationId);
        }

        // Core 3.3.2.2.1: with an exact RequestedAuthnContext the IdP must use one of the classes or
        // refuse; an assertion stating a weaker class is not taken as if it were the requested one.
        if (outstanding is { RequestedContexts.Count: > 0 } &&
            !outstanding.RequestedContexts.Contains(login.Identity.Authentication.ContextClass ?? ""))
        {
            SamlLog.AuthnContextNotMet(logger, login.Identity.Issuer, SamlLog.Untrusted(login.Identity.Authentication.ContextClass),
                string.Join(' ', outstanding.RequestedContexts), correlationId);
            return ErrorPage.Render(StatusCodes.Status401Unauthorized, "authn_context_not_met",
                SamlFailureMessages.AuthnContextNotMet, correlationId);
        }

        foreach (var dropped in login.DroppedValues)
        {
            SamlLog.AttributeValueDropped(logger, login.Identity.Issuer, dropped.AttributeName, SamlLog.Untrusted(dropped.Reason)!, correlationId);
        }

        await signIn.SignInAsync(httpContext, login.Identity, SamlSession.Attach(new AuthenticationProperties(), login.Session));
        return Results.Redirect(outstanding?.ReturnUrl ?? "/");
    }

    /// <summary>
    /// Single Logout over HTTP-Redirect (Profiles 4.4): an IdP-initiated LogoutRequest ends the proxy
    /// session and is answered; a LogoutResponse answers the request we sent at RP-initiated logout.
    /// </summary>
    private static async Task<IResult> SingleLogoutAsync(HttpContext httpContext, LogoutRequestValidator requests,
        LogoutResponseValidator responses, LogoutResponseWriter answers, PendingSamlRequests pending,
        ILogger<SamlLoginLog> logger)
    {
        var correlationId = CorrelationId.Of(httpContext);
        try
        {
            var message = httpContext.Request.DecodeSamlRedirect();
            if (message.Kind == SamlMessageKind.Request)
            {
                var request = await requests.ValidateAsync(message, httpContext.RequestAborted);
                var status = await EndMatchingSessionAsync(httpContext, request);
                SamlLog.LogoutRequestHandled(logger, request.IdentityProvider.EntityId, status, correlationId);
                return Results.Redirect(answers.Write(request, status));
            }

            var sent = pending.Take(httpContext, SamlPaths.SingleLogoutService, message.RelayState);
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
                SamlLog.LogoutMessageRejected(logger, SamlLog.Untrusted(invalid.Message)!, correlationId);
                return SignedOutHereOnly(sent.ReturnUrl, "Your identity provider's confirmation could not be verified.", correlationId);
            }

            SamlLog.LogoutResponseReceived(logger, response.IdentityProvider.EntityId, response.StatusCode, correlationId);
            return response.IsSuccess
                ? Results.Redirect(sent.ReturnUrl)
                : SignedOutHereOnly(sent.ReturnUrl, "Your identity provider reports that it could not end every session.", correlationId);
        }
        catch (Exception ex) when (ex is SamlBindingException or SamlLogoutException)
        {
            SamlLog.LogoutMessageRejected(logger, SamlLog.Untrusted(ex.Message)!, correlationId);
            return ErrorPage.Render(StatusCodes.Status400BadRequest, "invalid_logout_message",
                "The sign-out message from your identity provider is not valid.", correlationId);
        }
    }

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
    // front-channel request arrives in the person's own browser, so their proxy session is this one.
    private static async Task<string> EndMatchingSessionAsync(HttpContext httpContext, ValidatedLogoutRequest request)
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

        await httpContext.SignOutAsync(SessionDefaults.Scheme);
        return SamlStatusCodes.Success;
    }

    /// <summary>
    /// RP-initiated logout (OIDC end session) for a session that came from an IdP with Single Logout:
    /// ends the proxy session and sends the browser to the IdP with a LogoutRequest; the IdP's answer
    /// comes back to <see cref="SamlPaths.SingleLogoutService"/>, which continues to <paramref name="returnUrl"/>.
    /// Null when the session did not come from such an IdP.
    /// </summary>
    public static async Task<IResult?> TryStartSingleLogoutAsync(HttpContext httpContext, string returnUrl)
    {
        var current = await httpContext.AuthenticateAsync(SessionDefaults.Scheme);
        var session = SamlSession.Read(current.Properties);
        if (session is null)
        {
            return null;
        }

        var services = httpContext.RequestServices;
        var identityProvider = await services.GetRequiredService<IIdentityProviderMetadataProvider>()
            .FindAsync(session.IdentityProviderEntityId, httpContext.RequestAborted);
        if (identityProvider?.SingleLogoutServiceRedirectUrl is null)
        {
            return null;
        }

        var relayState = PendingSamlRequests.NewRelayState();
        var request = services.GetRequiredService<LogoutRequestWriter>().Write(identityProvider,
            new SamlNameId(session.NameId, session.NameIdFormat, session.NameQualifier, session.SpNameQualifier),
            session.SessionIndex is null ? [] : [session.SessionIndex], relayState);
        var lifetime = services.GetRequiredService<IOptions<SamlOptions>>().Value.OutstandingRequestLifetime;
        services.GetRequiredService<PendingSamlRequests>().Remember(httpContext, SamlPaths.SingleLogoutService, relayState,
            new PendingSamlRequest(request.RequestId, identityProvider.EntityId, LocalOrRoot(returnUrl),
                services.GetRequiredService<TimeProvider>().GetUtcNow() + lifetime, RequestedContexts: []));
        await httpContext.SignOutAsync(SessionDefaults.Scheme);
        SamlLog.LogoutRequestSent(services.GetRequiredService<ILogger<SamlLoginLog>>(), request.RequestId,
            identityProvider.EntityId, CorrelationId.Of(httpContext));
        return Results.Redirect(request.RedirectUrl);
    }

    // acr_values become RequestedAuthnContext (exact): REFEDS MFA when a client asks for it, and an IdP
    // that cannot comply answers NoAuthnContext, which the ACS explains to the person.
    private static RequestedAuthnContext? RequestedContext(string? acrValues)
    {
        var classes = (acrValues ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries)
            .Where(value => Uri.TryCreate(value, UriKind.Absolute, out _))
            .Take(MaxRequestedContexts)
            .ToList();
        return classes.Count == 0 ? null : new RequestedAuthnContext(classes);
    }

    private static string LocalOrRoot(string? returnUrl) =>
        !string.IsNullOrEmpty(returnUrl) && returnUrl.StartsWith('/') && !returnUrl.StartsWith("//", StringComparison.Ordinal) &&
        !returnUrl.StartsWith("/\\", StringComparison.Ordinal)
            ? returnUrl
            : "/";
}

/// <summary>Log category for SAML logins and logouts.</summary>
internal sealed class SamlLoginLog;
