namespace AaiProxy.Identity;

/// <summary>Whether a community account may sign in and keep its tokens alive.</summary>
public enum AccountStatus
{
    Active = 0,
    Suspended = 1,
}

/// <summary>A community account as the rest of the proxy sees it.</summary>
/// <param name="Id">The opaque, persistent community identifier: the OIDC <c>sub</c> and <c>voperson_id</c>.</param>
/// <param name="PreferredUsername">Chosen once at account creation (<see cref="PreferredUsernames"/>), unique,
/// never changed or reassigned.</param>
public sealed record CommunityAccount(string Id, DateTimeOffset CreatedAt, AccountStatus Status, string PreferredUsername);

/// <summary>
/// A community account together with the upstream identity the person used for this session: the
/// input of claims computation.
/// </summary>
/// <param name="LinkId">The stored link between the upstream identity and the account. Sessions and
/// refresh tokens carry it so that claims can be recomputed from the last stored upstream attributes.</param>
public sealed record ResolvedIdentity(CommunityAccount Account, string LinkId, UpstreamIdentity Upstream)
{
    /// <summary>The same person and attributes, authenticated as one particular session was: the
    /// stored link only remembers the latest login, which may have been another, stronger or weaker one.</summary>
    public ResolvedIdentity WithAuthentication(UpstreamAuthentication authentication) =>
        this with { Upstream = Upstream with { Authentication = authentication } };
}

/// <summary>
/// Turns upstream identities into community accounts: the only way a person gets a community identifier.
/// </summary>
public interface ICommunityAccountResolver
{
    /// <summary>
    /// Finds the account linked to <paramref name="upstream"/> (protocol, issuer, subject kind, subject),
    /// creating the account (with its preferred username) and the link on first login, and stores the
    /// upstream attributes as the latest known.
    /// </summary>
    Task<ResolvedIdentity> ResolveAsync(UpstreamIdentity upstream, CancellationToken cancellationToken);

    /// <summary>
    /// Reloads an account and the last stored upstream identity of one link, for a session, a refresh
    /// token or a userinfo request that outlives the login. Null when the account or link is gone or the account is not active.
    /// </summary>
    Task<ResolvedIdentity?> ReloadAsync(string accountId, string linkId, CancellationToken cancellationToken);
}
