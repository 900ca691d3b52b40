using System.Security.Claims;
using AaiProxy.Identity;
using OpenIddict.Abstractions;
using OpenIddict.Server;
using static OpenIddict.Abstractions.OpenIddictConstants;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace AaiProxy.Server.Oidc;

/// <summary>
/// The token endpoint's decisions that are the proxy's own. Authorization codes are redeemed with the
/// principal built at the authorization endpoint (OpenIddict attaches it); refresh tokens re-evaluate
/// the person's claims from the stored account and upstream attributes; client credentials produce a
/// principal for the client itself, never with an ID token: <c>openid</c> is refused there; a token exchange
/// (RFC 8693) is <see cref="TokenExchange"/>'s.
/// </summary>
internal sealed class TokenRequestHandler(
    ICommunityAccountResolver accounts,
    CommunityPrincipalFactory principals,
    TokenExchange exchange,
    ILogger<TokenRequestHandler> logger) : IOpenIddictServerHandler<HandleTokenRequestContext>
{
    public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
        OpenIddictServerHandlerDescriptor.CreateBuilder<HandleTokenRequestContext>()
            .UseScopedHandler<TokenRequestHandler>()
            .SetOrder(OpenIddictServerHandlers.Exchange.AttachPrincipal.Descriptor.Order + 1_000)
            .SetType(OpenIddictServerHandlerType.Custom)
            .Build();

    public async ValueTask HandleAsync(HandleTokenRequestContext context)
    {
        if (context.Request.IsClientCredentialsGrantType())
        {
            if (context.Request.HasScope(Scopes.OpenId))
            {
                context.Reject(Errors.InvalidScope, "The openid scope is for people: client credentials never yield an ID token.");
                return;
            }

            context.SignIn(ClientPrincipal(context.Request));
        }
        else if (context.Request.IsRefreshTokenGrantType() && context.RefreshTokenPrincipal is { } previous)
        {
            var reloaded = CommunityPrincipalFactory.ReadAccount(previous) is var (accountId, linkId)
                ? await accounts.ReloadAsync(accountId, linkId, context.CancellationToken)
                : null;
            if (reloaded is null)
            {
                Log.RefreshRejectedInactiveAccount(logger, previous.GetClaim(Claims.Subject) ?? "(none)");
                context.Reject(Errors.InvalidGrant, "The refresh token is no longer valid: the account is not active.");
                return;
            }

            // Attributes are re-read; how the person authenticated stays what the original login was.
            var original = new UpstreamAuthentication(reloaded.Upstream.Authentication.AuthenticatedAt,
                previous.GetClaim(CommunityClaims.AuthenticationContextClass));
            context.SignIn(await principals.RefreshAsync(previous, reloaded.WithAuthentication(original), context.Request.ClientId!, context.CancellationToken));
        }
        else if (context.Request.IsTokenExchangeGrantType() && context.SubjectTokenPrincipal is not null)
        {
            await exchange.HandleAsync(context);
        }
    }

    /// <summary>RFC 9068 2.2: for a client acting on its own behalf, <c>sub</c> is the client id.</summary>
    private static ClaimsPrincipal ClientPrincipal(OpenIddictRequest request)
    {
        var identity = new ClaimsIdentity(authenticationType: "AaiProxy", nameType: Claims.Name, roleType: Claims.Role);
        identity.AddClaim(new Claim(Claims.Subject, request.ClientId!).SetDestinations(Destinations.AccessToken));
        var principal = new ClaimsPrincipal(identity);
        principal.SetScopes(request.GetScopes());
        return principal;
    }
}
