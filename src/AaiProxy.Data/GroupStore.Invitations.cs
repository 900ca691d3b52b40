using AaiProxy.Data.Entities;
using AaiProxy.Groups;
using AaiProxy.Groups.Import;
using AaiProxy.Groups.Management;
using Microsoft.EntityFrameworkCore;

namespace AaiProxy.Data;

/// <summary>Invitations by e-mail (<see cref="IInvitationStore"/>) on the same one write as every group change.</summary>
internal sealed partial class GroupStore
{
    /// <summary>Stages an import's invitation request into the proposal's team group (the proposal is staged before it).</summary>
    private async Task StageAsync(InvitationRequest request, string actor, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var (facilityCode, proposalId) = (request.Proposal.FacilityCode, request.Proposal.ProposalId);
        var proposal = db.Proposals.Local.SingleOrDefault(p => p.FacilityCode == facilityCode && p.ProposalId == proposalId)
                       ?? await db.Proposals.SingleAsync(p => p.FacilityCode == facilityCode && p.ProposalId == proposalId, cancellationToken);
        db.Invitations.Add(new InvitationEntity
        {
            Id = CommunityAccountResolver.NewOpaqueId(), GroupId = proposal.TeamGroupId, FacilityCode = facilityCode, ProposalId = proposalId,
            Email = request.Email.ToLowerInvariant(), Roles = string.Join(',', request.Roles.Roles), InvitedBy = actor, CreatedAt = now,
            State = nameof(InvitationState.Pending),
        });
    }

    public async Task<IReadOnlyList<StoredInvitationRequest>> UnsentAsync(int limit, CancellationToken cancellationToken) =>
        [.. (await db.Invitations.AsNoTracking()
                .Where(i => i.TokenHash == null && i.State == nameof(InvitationState.Pending) && i.ProposalId != null)
                .OrderBy(i => i.CreatedAt).ThenBy(i => i.Id).Take(limit).ToListAsync(cancellationToken))
            .Select(i => new StoredInvitationRequest(i.Id, i.GroupId,
                new InvitationRequest(new ProposalKey(i.FacilityCode!, i.ProposalId!), i.Email, GroupRows.Roles(i.Roles)), i.InvitedBy, i.CreatedAt))];

    public async Task<bool> IssueAsync(string invitationId, string tokenHash, DateTimeOffset expiresAt, CancellationToken cancellationToken) =>
        await db.Invitations
            .Where(i => i.Id == invitationId && i.TokenHash == null && i.State == nameof(InvitationState.Pending))
            .ExecuteUpdateAsync(update => update.SetProperty(i => i.TokenHash, tokenHash).SetProperty(i => i.ExpiresAt, expiresAt.ToUniversalTime()),
                cancellationToken) == 1;

    public async Task CreateAsync(Invitation invitation, string tokenHash, string actor, CancellationToken cancellationToken)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        db.Invitations.Add(new InvitationEntity
        {
            Id = invitation.Id, GroupId = invitation.GroupId, FacilityCode = invitation.Proposal?.FacilityCode, ProposalId = invitation.Proposal?.ProposalId,
            Email = invitation.Email.ToLowerInvariant(), Roles = string.Join(',', invitation.Roles.Roles), InvitedBy = invitation.InvitedBy,
            CreatedAt = time.GetUtcNow(), TokenHash = tokenHash, ExpiresAt = invitation.ExpiresAt.ToUniversalTime(), State = invitation.State.ToString(),
        });
        var staged = audit.Stage(ToAuditEvent(GroupAudit.Describe(invitation), actor));
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        audit.Written(staged);
    }

    public async Task<Invitation?> FindByTokenHashAsync(string tokenHash, CancellationToken cancellationToken) =>
        await db.Invitations.AsNoTracking().SingleOrDefaultAsync(i => i.TokenHash == tokenHash, cancellationToken) is { ExpiresAt: { } expires } row
            ? new Invitation(row.Id, row.GroupId, row.ProposalId is null ? null : new ProposalKey(row.FacilityCode!, row.ProposalId),
                row.Email, GroupRows.Roles(row.Roles), row.InvitedBy, expires, Enum.Parse<InvitationState>(row.State), row.AcceptedBy)
            : null;

    public async Task<bool> SaveAcceptanceAsync(InvitationAcceptance acceptance, string actor, CancellationToken cancellationToken)
    {
        if (acceptance.Outcome != InvitationOutcome.Accepted)
            throw new ArgumentException("Only an accepted invitation is saved.", nameof(acceptance));
        var invitation = acceptance.Invitation;
        var changes = GroupChanges.None;
        if (acceptance.Proposal is { } after)
        {
            var before = (await FindProposalAsync(after.Key, cancellationToken))?.Proposal;
            changes = GroupChanges.Of(new ProposalChange(before, after));
        }
        else if (acceptance.Membership is { } membership)
        {
            changes = GroupChanges.Of(new MembershipChange(await FindMembershipAsync(membership.GroupId, membership.AccountId, cancellationToken), membership));
        }

        // Only while still pending: of two acceptances of one link, one updates the row and the other saves nothing.
        return await SaveAsync(changes, actor, [GroupAudit.Describe(acceptance)], async () =>
            await db.Invitations
                .Where(i => i.Id == invitation.Id && i.State == nameof(InvitationState.Pending))
                .ExecuteUpdateAsync(update => update
                    .SetProperty(i => i.State, nameof(InvitationState.Accepted))
                    .SetProperty(i => i.AcceptedBy, invitation.AcceptedBy), cancellationToken) == 1,
            cancellationToken);
    }
}
