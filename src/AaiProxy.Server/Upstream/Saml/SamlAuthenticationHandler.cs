using System.Text.Encodings.Web;
using AaiProxy.Saml.Metadata;
using AaiProxy.Saml.Replay;
using AaiProxy.Saml.Requests;
using AaiProxy.Saml.Validation;
using AaiProxy.Server.Web;
using AaiProxy.Upstream;
using AaiProxy.Upstream.Saml;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;

namespace AaiProxy.Server.Upstream.Saml;

/// <summary>
/// The SAML 2.0 Web Browser SSO profile as an upstream authentication scheme, in the manner of ASP.NET
/// Core's remote handlers: a challenge sends the browser to the IdP with an AuthnRequest (Profiles 4.1.3);
/// the callback (the ACS, Profiles 4.1.4) validates the answer with the pure protocol library, maps it with
/// the SAML adapter and hands the identity to <see cref="UpstreamSignIn"/>. Failures end in
/// <see cref="UpstreamLoginEvents.OnRemoteFailure"/>.
/// </summary>
internal sealed class SamlAuthenticationHandler(
    IOptionsMonitor<SamlAuthenticationOptions> options,
    ILoggerFactory loggerFactory,
    UrlEncoder encoder,
    IIdentityProviderMetadataProvider identityProviders,
    AuthnRequestWriter writer,
    SamlResponseValidator validator,
    PendingSamlRequests pending,
    IOptions<SamlOptions> saml,
    UpstreamSignIn signIn) : RemoteAuthenticationHandler<SamlAuthenticationOptions>(options, loggerFactory, encoder)
{
    private readonly ILogger _log = loggerFactory.CreateLogger<SamlLoginLog>();

    /// <summary>Sends the browser to the requested IdP with an AuthnRequest (Profiles 4.1.3.3).</summary>
    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        var correlationId = CorrelationId.Of(Context);
        var requested = RequestedAuthentication.From(properties);
        var identityProvider = requested?.Provider is { } provider ? await identityProviders.FindAsync(provider, Context.RequestAborted) : null;
        if (requested is null || identityProvider is null)
        {
            SamlLog.UnknownIdentityProviderRequested(_log, LogText.Untrusted(requested?.Provider), correlationId);
            await ErrorPage.Render(StatusCodes.Status400BadRequest, "unknown_identity_provider",
                "The identity provider you chose is not known to this service.", correlationId).ExecuteAsync(Context);
            return;
        }

        var relayState = PendingSamlRequests.NewRelayState();
        var contexts = requested.ContextClasses.Take(SamlAuthenticationOptions.MaxRequestedContexts).ToList();
        var request = writer.Write(identityProvider, new AuthnRequestOptions
        {
            ForceAuthn = requested.Force,
            RequestedAuthnContext = contexts.Count == 0 ? null : new RequestedAuthnContext(contexts),
            RelayState = relayState,
        });
        pending.Remember(Context, relayState, new PendingSamlRequest(request.RequestId, identityProvider.EntityId,
            TimeProvider.GetUtcNow() + saml.Value.OutstandingRequestLifetime, contexts, properties.Items));
        SamlLog.AuthnRequestSent(_log, request.RequestId, identityProvider.EntityId, correlationId);
        Response.Redirect(request.RedirectUrl);
    }

    /// <summary>The Assertion Consumer Service (HTTP-POST, Profiles 4.1.4.2-4.1.4.3).</summary>
    protected override async Task<HandleRequestResult> HandleRemoteAuthenticateAsync()
    {
        var correlationId = CorrelationId.Of(Context);
        if (!HttpMethods.IsPost(Request.Method))
        {
            return Fail(StatusCodes.Status405MethodNotAllowed, "method_not_allowed",
                "Sign-in responses arrive here by a form post from your identity provider.");
        }

        var form = await ReadBoundedFormAsync();
        if (form is null)
        {
            SamlLog.AcsBodyTooLarge(_log, Request.ContentLength, Options.MaxRequestBodyBytes, correlationId);
            return Fail(StatusCodes.Status413PayloadTooLarge, "response_too_large",
                "The sign-in response is larger than this service accepts.");
        }

        var samlResponse = form["SAMLResponse"].ToString();
        if (string.IsNullOrEmpty(samlResponse))
        {
            SamlLog.AcsWithoutResponse(_log, correlationId);
            return Fail(StatusCodes.Status400BadRequest, "missing_saml_response",
                "No sign-in response from an identity provider arrived with this request.");
        }

        var outstanding = pending.Take(Context, form["RelayState"].ToString());
        var properties = outstanding is null ? new AuthenticationProperties() : new AuthenticationProperties(outstanding.Items);
        var expected = outstanding is null
            ? SamlResponseExpectations.Unsolicited
            : new SamlResponseExpectations(outstanding.RequestId, outstanding.IdentityProvider, outstanding.RequestedContexts);
        SamlLoginResult login;
        try
        {
            login = await validator.ValidateAsync(samlResponse, expected, Context.RequestAborted);
        }
        catch (SamlStatusException status)
        {
            SamlLog.IdentityProviderRefused(_log, status.Issuer, LogText.Untrusted(status.StatusCode)!,
                LogText.Untrusted(status.SecondLevelStatusCode), LogText.Untrusted(status.StatusMessage), correlationId);
            return status.IsNoAuthnContext
                ? Fail(StatusCodes.Status401Unauthorized, "authn_context_not_met", SamlFailureMessages.AuthnContextNotMet, properties,
                    "unmet_authentication_requirements", "The identity provider could not authenticate the person as required.")
                : Fail(StatusCodes.Status401Unauthorized, "identity_provider_refused", SamlFailureMessages.For(status), properties,
                    "access_denied", "The identity provider did not authenticate the person.");
        }
        catch (SamlReplayCacheUnavailableException unavailable)
        {
            // Fail closed: without an answer from the shared replay cache the assertion may be a replay.
            SamlLog.ReplayCheckUnavailable(_log, LogText.Untrusted(unavailable.Message)!, unavailable.InnerException!, correlationId);
            // A page (503), not a redirect to the client: the person can sign in again once the cache answers.
            return Fail(StatusCodes.Status503ServiceUnavailable, "replay_check_unavailable", SamlFailureMessages.ReplayCheckUnavailable, properties);
        }
        catch (SamlValidationException invalid)
        {
            SamlLog.ResponseRejected(_log, invalid.Error, invalid.FromEncryptedAssertion, LogText.Untrusted(invalid.Reason)!, correlationId);
            return invalid.Error == SamlValidationError.AuthnContextNotMet
                ? Fail(StatusCodes.Status401Unauthorized, "authn_context_not_met", SamlFailureMessages.AuthnContextNotMet, properties,
                    "unmet_authentication_requirements", "The identity provider did not authenticate the person as required.")
                : Fail(StatusCodes.Status400BadRequest, "invalid_saml_response", SamlFailureMessages.For(invalid), properties);
        }

        foreach (var dropped in login.DroppedValues)
        {
            SamlLog.AttributeValueDropped(_log, login.IdentityProvider, dropped.AttributeName, LogText.Untrusted(dropped.Reason)!, correlationId);
        }

        try
        {
            var upstream = SamlIdentityAdapter.ToUpstreamIdentity(login);
            SamlSession.Attach(properties, login.Session);
            return HandleRequestResult.Success(await signIn.CreateSessionAsync(upstream, Scheme.Name, properties, Context.RequestAborted));
        }
        catch (UpstreamIdentityException refused)
        {
            SamlLog.IdentityRefused(_log, login.IdentityProvider, refused.Refusal, LogText.Untrusted(refused.Message)!, correlationId);
            return Fail(StatusCodes.Status400BadRequest, "unusable_identifier", SamlFailureMessages.For(refused.Refusal), properties);
        }
        catch (UpstreamLoginException failure)
        {
            return HandleRequestResult.Fail(failure, properties);
        }
    }

    // The body is bounded before it is read: by its declared length, and while reading for a chunked one
    // (Kestrel stops at the limit; the form reader's own limits stop the rest).
    private async Task<IFormCollection?> ReadBoundedFormAsync()
    {
        var limit = Options.MaxRequestBodyBytes;
        if (Request.ContentLength > limit)
        {
            return null;
        }

        if (Context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } bodySize)
        {
            bodySize.MaxRequestBodySize = limit;
        }

        try
        {
            Context.Features.Set<IFormFeature>(new FormFeature(Request, new FormOptions
            {
                ValueLengthLimit = (int)limit,
                KeyLengthLimit = 64,
                ValueCountLimit = 16,
                MultipartBodyLengthLimit = limit,
            }));
            return await Request.ReadFormAsync(Context.RequestAborted);
        }
        catch (Exception ex) when (ex is InvalidDataException or BadHttpRequestException)
        {
            return null;
        }
    }

    // The properties name the IdP the request went to (counted with the failure); without an OAuth error the
    // failure stays on the proxy's page instead of going back to the client.
    private static HandleRequestResult Fail(int status, string error, string personMessage, AuthenticationProperties? properties = null,
        string? oauthError = null, string? clientDescription = null) =>
        HandleRequestResult.Fail(new UpstreamLoginException(status, error, personMessage, oauthError, clientDescription), properties);
}
