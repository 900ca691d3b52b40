using AaiProxy.Identity;
using AaiProxy.Server.Web;
using AaiProxy.Upstream;
using AaiProxy.Upstream.Oidc;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;

namespace AaiProxy.Server.Upstream.Oidc;

/// <summary>
/// The proxy's part in an upstream OpenID Connect login, around what the ASP.NET Core handler does (discovery,
/// PKCE, state, nonce, code redemption, ID token and userinfo validation): the challenge asks for what the
/// login must achieve; the validated login becomes an identity by the OIDC adapter and a proxy session by
/// <see cref="UpstreamSignIn"/>; failures end in <see cref="UpstreamLoginEvents.OnRemoteFailure"/>.
/// </summary>
internal sealed class OidcUpstreamEvents(UpstreamSignIn signIn, IOptions<OidcProvidersOptions> providers, TimeProvider time,
    ILogger<OidcLoginLog> logger) : OpenIdConnectEvents
{
    /// <summary>Parameter of the sign-out properties: the session's ID token, for <c>id_token_hint</c>.</summary>
    public const string IdTokenHintParameter = "aaiproxy.id_token_hint";

    private const string UnmetAuthenticationRequirements = "unmet_authentication_requirements";

    // Bounds what one authorization request carries, as for SAML's RequestedAuthnContext.
    private const int MaxRequestedContexts = 5;

    private const string ProviderRefused = "Your identity provider did not sign you in. Please try again, or choose another way to sign in.";
    private const string ContextNotMet = "Your identity provider did not sign you in the way this service requires (for example with a second factor).";
    private const string LoginFailed = "The sign-in at your identity provider could not be completed. Please start again from the service you wanted to use.";

    // Core 3.1.2.1: prompt=login forces re-authentication; acr_values asks for one of the classes (voluntary at
    // the provider, checked on return).
    public override async Task RedirectToIdentityProvider(RedirectContext context)
    {
        var correlationId = CorrelationId.Of(context.HttpContext);
        if (RequestedAuthentication.From(context.Properties) is not { } requested)
        {
            OidcLog.ChallengeWithoutRequest(logger, context.Scheme.Name, correlationId);
            context.HandleResponse();
            await ErrorPage.Render(StatusCodes.Status400BadRequest, "invalid_login_request",
                "This sign-in did not start from a service's request. Please start again from the service you wanted to use.",
                correlationId).ExecuteAsync(context.HttpContext);
            return;
        }

        if (requested.Force)
        {
            context.ProtocolMessage.Prompt = OpenIdConnectPrompt.Login;
        }

        if (requested.ContextClasses.Count > 0)
        {
            context.ProtocolMessage.AcrValues = string.Join(' ', requested.ContextClasses.Take(MaxRequestedContexts));
        }

        OidcLog.AuthorizationRequestSent(logger, context.Scheme.Name, context.ProtocolMessage.Prompt, context.ProtocolMessage.AcrValues, correlationId);
    }

    public override async Task TicketReceived(TicketReceivedContext context)
    {
        // The remote handler moved the return URL out of the properties into ReturnUri; it goes back first, since
        // the requested authentication (and the relay of a failure to the client) are read from the properties.
        var properties = context.Properties ?? new AuthenticationProperties();
        properties.RedirectUri = context.ReturnUri;
        var provider = providers.Value.Find(context.Scheme.Name)
                       ?? throw new InvalidOperationException($"No OpenID Connect provider is configured for scheme '{context.Scheme.Name}'.");
        var login = new ValidatedOidcLogin(provider.Authority,
            [.. context.Principal!.Claims.Select(claim => KeyValuePair.Create(claim.Type, claim.Value))], time.GetUtcNow());
        try
        {
            var upstream = OidcIdentityAdapter.ToUpstreamIdentity(login, OidcSchemeSetup.Mapping(provider));
            RequireContextClass(context, RequestedAuthentication.From(properties), upstream.Authentication.ContextClass);
            KeepOnlyIdToken(properties);
            var ticket = await signIn.CreateSessionAsync(upstream, context.Scheme.Name, properties, context.HttpContext.RequestAborted);
            context.Principal = ticket.Principal;
            context.Properties = ticket.Properties;
            context.ReturnUri = ticket.Properties.RedirectUri;
            ticket.Properties.RedirectUri = null;
        }
        catch (UpstreamIdentityException refused)
        {
            OidcLog.IdentityRefused(logger, context.Scheme.Name, refused.Refusal, LogText.Untrusted(refused.Message)!, CorrelationId.Of(context.HttpContext));
            await FailAsync(context, properties, new UpstreamLoginException(StatusCodes.Status400BadRequest, "unusable_identifier",
                "Your identity provider did not say who you are in a way this service can use."));
        }
        catch (UpstreamLoginException failure)
        {
            await FailAsync(context, properties, failure);
        }
    }

    // The handler's own failures (an error answer, a bad state, an ID token that does not verify) become what
    // the person or the client must hear.
    public override Task RemoteFailure(RemoteFailureContext context)
    {
        context.Failure = Describe(context);
        return UpstreamLoginEvents.OnRemoteFailure(context, UpstreamProtocols.OpenIdConnect, providers.Value.Find(context.Scheme.Name)?.Authority);
    }

    // RP-Initiated Logout 1.0 §2: id_token_hint names the session to end (the proxy session is already gone).
    public override Task RedirectToIdentityProviderForSignOut(RedirectContext context)
    {
        if (context.Properties.GetParameter<string>(IdTokenHintParameter) is { } idToken)
        {
            context.ProtocolMessage.IdTokenHint = idToken;
        }

        return Task.CompletedTask;
    }

    private UpstreamLoginException Describe(RemoteFailureContext context)
    {
        var correlationId = CorrelationId.Of(context.HttpContext);
        switch (context.Failure)
        {
            case UpstreamLoginException known:
                return known;
            case OpenIdConnectProtocolException { Data: var data } when data["error"] is string error:
                // Core 3.1.2.6: the provider's error answer. access_denied and its kin are the person's (or the
                // provider's) refusal, which the client hears; anything else is a failed login the person sees.
                OidcLog.ProviderAnsweredError(logger, context.Scheme.Name, LogText.Untrusted(error)!,
                    LogText.Untrusted(data["error_description"] as string), correlationId);
                return error switch
                {
                    UnmetAuthenticationRequirements => new UpstreamLoginException(StatusCodes.Status401Unauthorized,
                        "authn_context_not_met", ContextNotMet, UnmetAuthenticationRequirements,
                        "The identity provider could not authenticate the person as required."),
                    "access_denied" or "login_required" or "consent_required" or "interaction_required" or "account_selection_required" =>
                        new UpstreamLoginException(StatusCodes.Status401Unauthorized, "identity_provider_refused", ProviderRefused,
                            "access_denied", "The identity provider did not authenticate the person."),
                    _ => new UpstreamLoginException(StatusCodes.Status502BadGateway, "upstream_login_failed", LoginFailed),
                };
            default:
                OidcLog.LoginFailed(logger, context.Scheme.Name, LogText.Untrusted(context.Failure?.Message) ?? "unknown", correlationId);
                return new UpstreamLoginException(StatusCodes.Status400BadRequest, "upstream_login_failed", LoginFailed);
        }
    }

    // Core 2 / 3.1.2.1: acr_values are voluntary at the provider, so the class it states is checked here; the
    // requirement travels with the login exactly as the authorization endpoint decided it.
    private void RequireContextClass(TicketReceivedContext context, RequestedAuthentication? requested, string? achieved)
    {
        if (requested is not { ContextClasses.Count: > 0 } || requested.ContextClasses.Contains(achieved ?? "", StringComparer.Ordinal))
        {
            return;
        }

        OidcLog.ContextClassNotMet(logger, context.Scheme.Name, LogText.Untrusted(achieved), string.Join(' ', requested.ContextClasses),
            CorrelationId.Of(context.HttpContext));
        throw new UpstreamLoginException(StatusCodes.Status401Unauthorized, "authn_context_not_met", ContextNotMet,
            UnmetAuthenticationRequirements, "The identity provider did not authenticate the person as required.");
    }

    // Only the ID token stays with the session (logout's id_token_hint); the provider's access and refresh
    // tokens are of no use to the proxy and are not kept.
    private static void KeepOnlyIdToken(AuthenticationProperties properties)
    {
        var idToken = properties.GetTokenValue(OpenIdConnectParameterNames.IdToken);
        properties.StoreTokens(idToken is null ? [] : [new AuthenticationToken { Name = OpenIdConnectParameterNames.IdToken, Value = idToken }]);
    }

    // The handler signs in whatever a ticket event leaves unhandled, so a refusal answers here and ends the request.
    private async Task FailAsync(TicketReceivedContext context, AuthenticationProperties properties, UpstreamLoginException failure)
    {
        await RemoteFailure(new RemoteFailureContext(context.HttpContext, context.Scheme, context.Options, failure) { Properties = properties });
        context.HandleResponse();
    }
}
