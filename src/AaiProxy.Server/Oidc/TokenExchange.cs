using System.Security.Claims;
using System.Text.Json;
using AaiProxy.Identity;
using AaiProxy.Server.Configuration;
using Microsoft.IdentityModel.JsonWebTokens;
using OpenIddict.Abstractions;
using OpenIddict.Server;
using static OpenIddict.Abstractions.OpenIddictConstants;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace AaiProxy.Server.Oidc;

/// <summary>
/// The rules of OAuth 2.0 Token Exchange (RFC 8693) as the proxy applies them, without OpenIddict: which targets a
/// client may exchange for, and which scopes the exchanged token gets.
/// </summary>
internal static class TokenExchangeRules
{
    /// <summary>The <c>act</c> claim (RFC 8693 §4.1): the party acting for the subject.</summary>
    public const string ActorClaim = "act";

    /// <summary>The services the request names, as <c>audience</c> (§2.1) or <c>resource</c> (RFC 8707), in order and once each.</summary>
    public static IReadOnlyList<string> Targets(OpenIddictRequest request) =>
        [.. request.GetAudiences().Concat(request.GetResources()).Distinct(StringComparer.Ordinal)];

    /// <summary>The targets <paramref name="allowed"/> does not list (compared exactly).</summary>
    public static IReadOnlyList<string> Disallowed(IReadOnlyList<string> targets, IReadOnlyList<string> allowed) =>
        [.. targets.Where(target => !allowed.Contains(target, StringComparer.Ordinal))];

    /// <summary>
    /// The exchanged token's scopes: those requested that the subject token holds; without a <c>scope</c> parameter,
    /// the subject token's. Never more than the original grant.
    /// </summary>
    public static IReadOnlyList<string> Scopes(IReadOnlyCollection<string> requested, IReadOnlyCollection<string> original) =>
        requested.Count == 0 ? [.. original] : [.. requested.Where(scope => original.Contains(scope, StringComparer.Ordinal)).Distinct(StringComparer.Ordinal)];

    /// <summary>The <c>act</c> claim naming the exchanging client, for the access token only.</summary>
    public static Claim Actor(string clientId)
    {
        var claim = new Claim(ActorClaim, JsonSerializer.Serialize(new Dictionary<string, string> { [Claims.Subject] = clientId }), JsonClaimValueTypes.Json);
        claim.SetDestinations(Destinations.AccessToken);
        return claim;
    }
}

/// <summary>
/// RFC 8693 §2.1, §2.2.2: a token-exchange request must name its target service, and the client may only name services
/// it is configured to exchange for (<see cref="ClientOptions.TokenExchangeAudiences"/>): otherwise <c>invalid_target</c>.
/// Runs after OpenIddict's grant-type permission check (a client not allowed to exchange at all has had
/// <c>unauthorized_client</c>) and before its audience and resource permission checks (which would say <c>invalid_request</c>).
/// </summary>
internal sealed class TokenExchangeTargets(ClientCatalog clients) : IOpenIddictServerHandler<ValidateTokenRequestContext>
{
    public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
        OpenIddictServerHandlerDescriptor.CreateBuilder<ValidateTokenRequestContext>()
            .UseSingletonHandler<TokenExchangeTargets>()
            .SetOrder(OpenIddictServerHandlers.Exchange.ValidateAudiencePermissions.Descriptor.Order - 1)
            .SetType(OpenIddictServerHandlerType.Custom)
            .Build();

    public ValueTask HandleAsync(ValidateTokenRequestContext context)
    {
        if (!context.Request.IsTokenExchangeGrantType())
        {
            return default;
        }

        var targets = TokenExchangeRules.Targets(context.Request);
        if (targets.Count == 0)
        {
            context.Reject(Errors.InvalidRequest, "Name the service the exchanged token is for with the audience or resource parameter.");
            return default;
        }

        var allowed = context.ClientId is { } clientId ? clients.Find(clientId)?.TokenExchangeAudiences ?? [] : [];
        if (TokenExchangeRules.Disallowed(targets, allowed) is { Count: > 0 } disallowed)
        {
            context.Reject(Errors.InvalidTarget, $"This client may not exchange tokens for {string.Join(", ", disallowed)}.");
        }

        return default;
    }
}

/// <summary>
/// Issues the exchanged access token (RFC 8693 §2.2.1). OpenIddict has validated the subject token (signature,
/// lifetime, not revoked, this client its presenter or audience). The subject must be a person's access token from a
/// grant: the person's claims are computed afresh for the exchanging client, as at a refresh; the token stays in the
/// original grant (revoking the grant revokes it), is for the requested targets only, with at most the original
/// scopes, and names the client as its actor (<c>act: {"sub": client_id}</c>); it expires no later than the subject
/// token. No refresh or ID token is issued. Each exchange is logged and audited (<see cref="AuditActions.TokenExchanged"/>).
/// </summary>
internal sealed class TokenExchange(
    IOpenIddictAuthorizationManager authorizations,
    ICommunityAccountResolver accounts,
    CommunityPrincipalFactory principals,
    IAuditLog audit,
    TimeProvider time,
    ILogger<TokenExchange> logger)
{
    public async ValueTask HandleAsync(HandleTokenRequestContext context)
    {
        var clientId = context.Request.ClientId!;
        var subject = context.SubjectTokenPrincipal!;
        var authorizationId = subject.GetAuthorizationId();
        var grant = authorizationId is null ? null : await AuthorizationLink.ReadAsync(authorizations, authorizationId, context.CancellationToken);
        var person = grant is var (accountId, linkId) ? await accounts.ReloadAsync(accountId, linkId, context.CancellationToken) : null;
        if (person is null)
        {
            Log.TokenExchangeRefused(logger, clientId, subject.GetClaim(Claims.Subject) ?? "(none)");
            // RFC 8693 §2.2.2: a subject token unacceptable by policy is invalid_request.
            context.Reject(Errors.InvalidRequest, "The subject token must be a person's access token from a grant that is still valid.");
            return;
        }

        var targets = TokenExchangeRules.Targets(context.Request);
        var scopes = TokenExchangeRules.Scopes(context.Request.GetScopes(), subject.GetScopes());
        var principal = await principals.ExchangeAsync(person, clientId, scopes, authorizationId!, context.CancellationToken);
        principal.SetResources(targets);
        ((ClaimsIdentity)principal.Identity!).AddClaim(TokenExchangeRules.Actor(clientId));
        // Never outlives the token it was exchanged for.
        if (subject.GetExpirationDate() is { } expires)
        {
            var remaining = expires - time.GetUtcNow();
            principal.SetAccessTokenLifetime(remaining > TimeSpan.Zero ? remaining : TimeSpan.Zero);
        }

        await audit.RecordAsync(new AuditEvent(AuditActors.Client(clientId), AuditActions.TokenExchanged, person.Account.Id, new Dictionary<string, string>
        {
            ["audience"] = string.Join(' ', targets),
            ["scope"] = string.Join(' ', scopes),
            ["subject_client"] = subject.GetClaim(Claims.ClientId) ?? subject.GetPresenters().FirstOrDefault() ?? "",
        }), context.CancellationToken);
        Log.TokenExchanged(logger, clientId, person.Account.Id, string.Join(' ', targets), string.Join(' ', scopes));
        context.SignIn(principal);
    }
}
