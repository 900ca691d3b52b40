using AaiProxy.Groups.Import;

namespace AaiProxy.Groups;

/// <summary>Reads a store implements for claims and management pages.</summary>
public interface IGroupReader
{
    /// <summary>
    /// Every membership of the account (any status: the lifecycle filters), the groups they are in
    /// and the proposals whose team groups those are. Called at each token issue and refresh, and
    /// for the acting account before a management action (<see cref="GroupAuthority.CanManage"/>).
    /// </summary>
    Task<PersonGroups> LoadPersonAsync(string accountId, CancellationToken cancellationToken);

    Task<Group?> FindGroupAsync(string groupId, CancellationToken cancellationToken);

    Task<IReadOnlyList<FacilityUserId>> LoadFacilityUserIdsAsync(string accountId, CancellationToken cancellationToken);
}

/// <summary>
/// Applies planned changes. Each call is one transaction that also writes the audit entries
/// (<see cref="GroupAudit"/>) with the actor and the store's <see cref="TimeProvider"/> time, so a
/// change and its audit trail are saved together or not at all.
/// </summary>
public interface IProposalStore
{
    /// <summary>Loads what <see cref="ProposalImportPlanner.Plan"/> needs: the named proposals, the people named (by e-mail, community id, facility user id) and the invitations issued for those proposals.</summary>
    Task<ImportState> LoadImportStateAsync(IReadOnlyList<ImportedProposal> proposals, CancellationToken cancellationToken);

    /// <summary>
    /// Applies a valid plan: creates (with their team groups under the facility's group) and updates
    /// proposals, plans each touched team group with <see cref="ProposalTeamPlanner.Plan"/> against
    /// its stored memberships inside the same transaction and applies that, records invitation
    /// requests (mail is sent after commit). Refuses a plan with problems.
    /// </summary>
    Task ApplyAsync(ProposalImportPlan plan, string actor, CancellationToken cancellationToken);
}

/// <summary>An invitation an import (or a manager) asked for, stored but not yet mailed: it has no link yet.</summary>
public sealed record StoredInvitationRequest(string Id, string GroupId, InvitationRequest Request, string InvitedBy, DateTimeOffset CreatedAt);

/// <summary>
/// Invitations by e-mail; the same transaction rule as <see cref="IProposalStore"/>. An import stores
/// requests (<see cref="IProposalStore.ApplyAsync"/>); the mailer lists them (<see cref="UnsentAsync"/>),
/// creates each link's token and issues it (<see cref="IssueAsync"/>), then sends the mail.
/// </summary>
public interface IInvitationStore
{
    /// <summary>Requests not yet issued, oldest first.</summary>
    Task<IReadOnlyList<StoredInvitationRequest>> UnsentAsync(int limit, CancellationToken cancellationToken);

    /// <summary>Gives a request its link (only the token's hash) and expiry; false when it was issued meanwhile (another node sent it).</summary>
    Task<bool> IssueAsync(string invitationId, string tokenHash, DateTimeOffset expiresAt, CancellationToken cancellationToken);

    /// <summary>Creates an invitation holding only <paramref name="tokenHash"/> (<see cref="InvitationTokens"/>); audited as <see cref="GroupAuditActions.InvitationRequested"/>.</summary>
    Task CreateAsync(Invitation invitation, string tokenHash, string actor, CancellationToken cancellationToken);

    Task<Invitation?> FindByTokenHashAsync(string tokenHash, CancellationToken cancellationToken);

    /// <summary>The group's pending invitations (expired ones included: the page shows them as such), newest first.</summary>
    Task<IReadOnlyList<Invitation>> ListPendingAsync(string groupId, CancellationToken cancellationToken);

    /// <summary>Revokes a pending invitation of the group (audited); false when there is none.</summary>
    Task<bool> RevokeAsync(string groupId, string invitationId, string actor, CancellationToken cancellationToken);

    /// <summary>
    /// Saves an accepted <see cref="InvitationAcceptance"/> (the invitation, and the proposal — then
    /// its team group through <see cref="ProposalTeamPlanner.Plan"/> — or the membership) with its
    /// audit entries; the invitation row is updated only while still pending, so two concurrent
    /// acceptances of one link cannot both succeed.
    /// </summary>
    Task<bool> SaveAcceptanceAsync(InvitationAcceptance acceptance, string actor, CancellationToken cancellationToken);
}
