using AaiProxy.Identity;
using AaiProxy.Server.Configuration;
using AaiProxy.Server.Session;
using AaiProxy.Server.Upstream;
using AaiProxy.Server.Web;
using Microsoft.AspNetCore;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;
using OpenIddict.Abstractions;
using OpenIddict.Server.AspNetCore;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace AaiProxy.Server.Oidc;

/// <summary>
/// The authorization endpoint's own decisions (OpenIddict passthrough: the request, its client and redirect
/// URI are validated before this runs, so every error here goes back to the client, RFC 6749 §4.1.2.1):
/// is the browser's session good enough for this request, and if not, which upstream login must happen.
/// </summary>
internal static class AuthorizationEndpoint
{
    /// <summary>Hint parameters naming the upstream provider to use (AARC-G061 and the common short form).</summary>
    private static readonly string[] ProviderHints = ["aarc_idp_hint", "idp_hint"];

    public static async Task<IResult> HandleAsync(HttpContext httpContext, ICommunityAccountResolver accounts, CommunityPrincipalFactory principals,
        UpstreamLoginStart loginStart, UpstreamErrorRelay relay, ConsentStep consent, ClientCatalog clients, IOptions<ProxyOptions> proxy, TimeProvider time,
        ILogger<AuthorizationLog> logger)
    {
        var request = httpContext.GetOpenIddictServerRequest()
            ?? throw new InvalidOperationException("The OpenID Connect request cannot be retrieved.");
        var correlationId = CorrelationId.Of(httpContext);

        // An upstream login started for this request failed in a way the client must hear of.
        if (relay.Read((string?)request.GetParameter(UpstreamErrorRelay.Parameter)) is { } relayed)
        {
            Log.AuthorizationEndedUpstream(logger, LogText.Untrusted(request.ClientId), relayed.Error, correlationId);
            return Forbid(relayed.Error, relayed.Description);
        }

        var options = proxy.Value;
        var client = request.ClientId is { } clientId ? clients.Find(clientId) : null;
        var decision = AuthenticationRequirements.Decide(request, client?.RequireMfa == true,
            options.Authentication.SupportedContextClasses, AuthenticationContextClasses.RefedsMfa);
        if (decision.Requirement is not { } requirement)
        {
            Log.AuthorizationUnmet(logger, LogText.Untrusted(request.ClientId), decision.Unmet!, correlationId);
            return Forbid(AuthenticationRequirements.UnmetAuthenticationRequirements, decision.Unmet!);
        }

        var session = await ProxySession.ReadAsync(httpContext);
        var identity = session is null
            ? null
            : (await accounts.ReloadAsync(session.AccountId, session.LinkId, httpContext.RequestAborted))?.WithAuthentication(session.Authentication);
        var fresh = request.HasPromptValue(PromptValues.Login) || MaxAgeExceeded(request, session, time) ||
                    !requirement.SatisfiedBy(session?.Authentication.ContextClass);
        if (identity is null || fresh)
        {
            if (request.HasPromptValue(PromptValues.None))
            {
                return Forbid(Errors.LoginRequired, "The user is not signed in with the authentication this request needs.");
            }

            return await StartUpstreamLoginAsync(httpContext, request, requirement, fresh, loginStart);
        }

        var principal = await principals.CreateAsync(identity, request.ClientId!, request.GetScopes(), session!.SessionId, httpContext.RequestAborted);
        if (await consent.RunAsync(httpContext, request, principal, identity.Account.Id) is { } consentResponse)
        {
            return consentResponse;
        }

        principal.SetClaim(Claims.AuthenticationTime, session.Authentication.AuthenticatedAt.ToUnixTimeSeconds());
        principal.SetDestinations(claim => claim.Type == Claims.AuthenticationTime ? [Destinations.IdentityToken] : claim.GetDestinations());
        return Results.SignIn(principal, authenticationScheme: OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
    }

    // The login comes back to this same request (minus prompt, or prompt=login would never end), with the
    // requirement decided above. A hint or a single upstream choice starts it at once; otherwise the person chooses.
    private static async Task<IResult> StartUpstreamLoginAsync(HttpContext httpContext, OpenIddictRequest request,
        AuthenticationRequirement requirement, bool force, UpstreamLoginStart loginStart)
    {
        var parameters = (httpContext.Request.HasFormContentType ? httpContext.Request.Form.AsEnumerable() : httpContext.Request.Query)
            .Where(parameter => parameter.Key != UpstreamErrorRelay.Parameter)
            .Select(parameter => parameter.Key == Parameters.Prompt ? KeyValuePair.Create(parameter.Key, WithoutLogin(parameter.Value)) : parameter)
            .Where(parameter => !StringValues.IsNullOrEmpty(parameter.Value))
            .ToList();
        var returnUrl = httpContext.Request.PathBase + httpContext.Request.Path + QueryString.Create(parameters);
        if (!LocalUrl.IsLocal(returnUrl))
        {
            return Forbid(Errors.InvalidRequest,
                $"The authorization request is longer than {LocalUrl.MaxLength} characters; send it by pushed authorization (PAR) instead.");
        }

        var requested = new RequestedAuthentication(returnUrl, Provider: null, requirement.ContextClasses, force);
        var hint = ProviderHints.Select(name => (string?)request.GetParameter(name)).FirstOrDefault(h => h is not null);
        return await loginStart.StartAsync(requested, hint, httpContext.RequestAborted)
               ?? Forbid(Errors.TemporarilyUnavailable, "No upstream identity provider is configured.");
    }

    // prompt=login is met by the login about to start, so it is dropped (kept, the login would never end); other values
    // (consent) still apply after it.
    private static StringValues WithoutLogin(StringValues prompt) =>
        string.Join(' ', prompt.ToString().Split(' ', StringSplitOptions.RemoveEmptyEntries).Where(value => value != PromptValues.Login)) is { Length: > 0 } rest
            ? rest
            : StringValues.Empty;

    private static bool MaxAgeExceeded(OpenIddictRequest request, ProxySession? session, TimeProvider time) =>
        request.MaxAge is { } maxAge && session is not null && time.GetUtcNow() - session.Authentication.AuthenticatedAt > TimeSpan.FromSeconds(maxAge);

    /// <summary>An OAuth error the client hears at its redirect URI.</summary>
    internal static IResult Forbid(string error, string description) =>
        Results.Forbid(OidcErrorProperties.For(error, description), [OpenIddictServerAspNetCoreDefaults.AuthenticationScheme]);
}

/// <summary>Log category of the authorization endpoint.</summary>
internal sealed class AuthorizationLog;
