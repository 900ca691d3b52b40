using AaiProxy.Data;
using AaiProxy.Identity;
using AaiProxy.Server.Logout;
using OpenIddict.Abstractions;

namespace AaiProxy.Server.Accounts;

/// <summary>
/// What ends a person's access at once: suspension, "sign out everywhere", deletion and merging change the
/// account (<see cref="AccountStore"/>, audited) and revoke every OpenIddict authorization and token of the account,
/// by its public <c>sub</c> and by each pairwise one, so refresh tokens fail with <c>invalid_grant</c>; clients with a
/// back-channel logout endpoint are told first (<see cref="ClientLogout"/>). Proxy sessions
/// end through the account's <c>SessionsValidAfter</c>, checked at each request (<see cref="SessionValidation"/>).
/// </summary>
public sealed class AccountAdministration(AccountStore store, IOpenIddictAuthorizationManager authorizations, IOpenIddictTokenManager tokens,
    PairwiseSubjects pairwise, ClientLogout clientLogout, ILogger<AccountAdministration> logger)
{
    public async Task SuspendAsync(string accountId, string actor, CancellationToken cancellationToken)
    {
        await store.SetStatusAsync(accountId, AccountStatus.Suspended, actor, cancellationToken);
        await clientLogout.AccountSignedOutAsync(accountId, cancellationToken);
        await RevokeGrantsAsync(accountId, "suspended", cancellationToken);
    }

    public Task ReactivateAsync(string accountId, string actor, CancellationToken cancellationToken) =>
        store.SetStatusAsync(accountId, AccountStatus.Active, actor, cancellationToken);

    public async Task SignOutEverywhereAsync(string accountId, CancellationToken cancellationToken)
    {
        await store.EndSessionsAsync(accountId, AuditActors.Person(accountId), cancellationToken);
        await clientLogout.AccountSignedOutAsync(accountId, cancellationToken);
        await RevokeGrantsAsync(accountId, "signed out everywhere", cancellationToken);
    }

    public async Task DeleteAsync(string accountId, string actor, CancellationToken cancellationToken)
    {
        await clientLogout.AccountSignedOutAsync(accountId, cancellationToken);
        await RevokeGrantsAsync(accountId, "deleted", cancellationToken);
        await store.DeleteAsync(accountId, actor, cancellationToken);
    }

    /// <summary>Merges <paramref name="sourceId"/> into <paramref name="targetId"/> (an administrator's decision): the
    /// source's grants are revoked, its clients knew it by a <c>sub</c> that no longer exists.</summary>
    public async Task MergeAsync(string sourceId, string targetId, string actor, CancellationToken cancellationToken)
    {
        await clientLogout.AccountSignedOutAsync(sourceId, cancellationToken);
        await store.MergeAsync(sourceId, targetId, actor, cancellationToken);
        await RevokeGrantsAsync(sourceId, "merged", cancellationToken);
    }

    /// <summary>Every <c>sub</c> a client may know the account by.</summary>
    public IEnumerable<string> SubjectsOf(string accountId) => pairwise.SubjectsOf(accountId);

    private async Task RevokeGrantsAsync(string accountId, string reason, CancellationToken cancellationToken)
    {
        long revokedAuthorizations = 0, revokedTokens = 0;
        foreach (var subject in SubjectsOf(accountId))
        {
            // Read whole before changing: the stores share one database context.
            foreach (var authorization in await ListAsync(authorizations.FindBySubjectAsync(subject, cancellationToken)))
            {
                revokedAuthorizations += await authorizations.TryRevokeAsync(authorization, cancellationToken) ? 1 : 0;
            }

            foreach (var token in await ListAsync(tokens.FindBySubjectAsync(subject, cancellationToken)))
            {
                revokedTokens += await tokens.TryRevokeAsync(token, cancellationToken) ? 1 : 0;
            }
        }

        AccountsLog.GrantsRevoked(logger, accountId, revokedAuthorizations, revokedTokens, reason);
    }

    private static async Task<List<object>> ListAsync(IAsyncEnumerable<object> items)
    {
        var list = new List<object>();
        await foreach (var item in items)
        {
            list.Add(item);
        }

        return list;
    }
}
