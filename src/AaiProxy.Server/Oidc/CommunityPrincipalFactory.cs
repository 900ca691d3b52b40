using System.Security.Claims;
using AaiProxy.Identity;
using AaiProxy.Server.Groups;
using AaiProxy.Server.Session;
using OpenIddict.Abstractions;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace AaiProxy.Server.Oidc;

/// <summary>
/// The one place a person's computed claims become an OpenIddict principal: the claims released by the
/// granted scopes, with their destinations, from <see cref="ClaimTable"/> as the client can receive it
/// (<see cref="GroupReleasePolicies.ClaimsFor"/>) (their JSON types are given
/// when tokens are written: <see cref="TokenClaimShapes"/>); the link id goes nowhere but the server's
/// own codes and refresh tokens.
/// </summary>
internal sealed class CommunityPrincipalFactory(CommunityClaimsComputer claimsComputer, GroupReleasePolicies policies)
{
    /// <summary>Private claim: the upstream link of this session, so refresh can reload its attributes.</summary>
    public const string LinkIdClaim = SessionClaims.LinkId;

    /// <summary>Private claim: the community account id, which a pairwise <c>sub</c> does not reveal.</summary>
    public const string AccountIdClaim = "aaiproxy_account";

    /// <summary>The proxy session the grant was made in (<c>sid</c>): in ID tokens only.</summary>
    public const string SessionIdClaim = SessionClaims.SessionId;

    /// <summary>A principal for a new authorization in the proxy session <paramref name="sessionId"/>.</summary>
    public async Task<ClaimsPrincipal> CreateAsync(ResolvedIdentity identity, string clientId, IEnumerable<string> scopes, string sessionId,
        CancellationToken cancellationToken)
    {
        var claimsIdentity = NewIdentity();
        claimsIdentity.AddClaim(new Claim(SessionIdClaim, sessionId));
        var principal = new ClaimsPrincipal(claimsIdentity);
        principal.SetScopes(scopes);
        await AddCommunityClaimsAsync(principal, identity, clientId, cancellationToken);
        return principal;
    }

    /// <summary>
    /// A principal for a refresh-token grant: OpenIddict's private claims (authorization id, scopes,
    /// presenters, resources, …), the session id and whether the grant's resources were defaulted are kept, every person claim is computed afresh (memberships included).
    /// </summary>
    public async Task<ClaimsPrincipal> RefreshAsync(ClaimsPrincipal previous, ResolvedIdentity identity, string clientId, CancellationToken cancellationToken)
    {
        var claimsIdentity = NewIdentity();
        claimsIdentity.AddClaims(previous.Claims
            .Where(claim => claim.Type.StartsWith("oi_", StringComparison.Ordinal) || claim.Type is SessionIdClaim or GrantResources.DefaultedClaim)
            .Select(claim => claim.Clone(claimsIdentity)));
        var principal = new ClaimsPrincipal(claimsIdentity);
        await AddCommunityClaimsAsync(principal, identity, clientId, cancellationToken);
        return principal;
    }

    /// <summary>
    /// A principal for an exchanged token (RFC 8693, <see cref="TokenExchange"/>): the person's claims computed afresh for
    /// the exchanging client and <paramref name="scopes"/>, in the grant <paramref name="authorizationId"/> of the subject token.
    /// </summary>
    public async Task<ClaimsPrincipal> ExchangeAsync(ResolvedIdentity identity, string clientId, IEnumerable<string> scopes, string authorizationId,
        CancellationToken cancellationToken)
    {
        var principal = new ClaimsPrincipal(NewIdentity());
        principal.SetScopes(scopes);
        principal.SetAuthorizationId(authorizationId);
        await AddCommunityClaimsAsync(principal, identity, clientId, cancellationToken);
        return principal;
    }

    /// <summary>Reads the account and link ids a principal (session cookie or refresh token) carries.</summary>
    public static (string AccountId, string LinkId)? ReadAccount(ClaimsPrincipal principal) =>
        (principal.GetClaim(AccountIdClaim) ?? principal.GetClaim(Claims.Subject)) is { } accountId && principal.GetClaim(LinkIdClaim) is { } linkId
            ? (accountId, linkId)
            : null;

    private async Task AddCommunityClaimsAsync(ClaimsPrincipal principal, ResolvedIdentity identity, string clientId, CancellationToken cancellationToken)
    {
        var scopes = principal.GetScopes();
        var computed = await claimsComputer.ComputeAsync(identity, new ClaimsRecipient(clientId, scopes), cancellationToken);
        var claimsIdentity = (ClaimsIdentity)principal.Identity!;
        var released = ClaimTable.Released(policies.ClaimsFor(clientId), scopes, ClaimDestinations.IdToken | ClaimDestinations.AccessToken)
            .ToDictionary(claim => claim.Name, StringComparer.Ordinal);
        // One claim per value: TokenClaimShapes gives them their JSON types when the tokens are written.
        foreach (var claim in released.Values)
        {
            claimsIdentity.AddClaims(computed.Values(claim.Name).Select(value => new Claim(claim.Name, value)));
        }

        claimsIdentity.AddClaim(new Claim(LinkIdClaim, identity.LinkId));
        claimsIdentity.AddClaim(new Claim(AccountIdClaim, identity.Account.Id));
        principal.SetDestinations(claim => claim.Type == SessionIdClaim ? [Destinations.IdentityToken]
            : released.TryGetValue(claim.Type, out var definition) ? ReleasedClaims.DestinationsOf(definition) : []);
    }

    private static ClaimsIdentity NewIdentity() =>
        new(authenticationType: "AaiProxy", nameType: Claims.Name, roleType: Claims.Role);
}
