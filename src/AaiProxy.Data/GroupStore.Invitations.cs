using AaiProxy.Data.Entities;
using AaiProxy.Groups;
using AaiProxy.Groups.Import;
using AaiProxy.Groups.Management;
using Microsoft.EntityFrameworkCore;

namespace AaiProxy.Data;

/// <summary>
/// Invitations by e-mail (<see cref="IInvitationStore"/>), join requests and expiry reminders, on the same one write as every group change: a decision on an invitation or a request is saved
/// only while its row is still pending, so two concurrent decisions cannot both win.
/// </summary>
internal sealed partial class GroupStore : IJoinRequestStore, IExpiryReminderStore
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
            ? ToInvitation(row, expires)
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

    public async Task<IReadOnlyList<Invitation>> ListPendingAsync(string groupId, CancellationToken cancellationToken)
    {
        var rows = await db.Invitations.AsNoTracking()
            .Where(row => row.GroupId == groupId && row.State == nameof(InvitationState.Pending) && row.ExpiresAt != null)
            .ToListAsync(cancellationToken);
        return [.. rows.OrderByDescending(row => row.CreatedAt).Select(row => ToInvitation(row, row.ExpiresAt!.Value))];
    }

    public async Task<bool> RevokeAsync(string groupId, string invitationId, string actor, CancellationToken cancellationToken)
    {
        var row = await db.Invitations.AsNoTracking().SingleOrDefaultAsync(
            r => r.Id == invitationId && r.GroupId == groupId && r.State == nameof(InvitationState.Pending) && r.ExpiresAt != null, cancellationToken);
        if (row is null)
            return false;
        return await SaveAsync(GroupChanges.None, actor, [GroupAudit.DescribeRevoked(ToInvitation(row, row.ExpiresAt!.Value))], async () =>
            await db.Invitations
                .Where(i => i.Id == invitationId && i.State == nameof(InvitationState.Pending))
                .ExecuteUpdateAsync(update => update.SetProperty(i => i.State, nameof(InvitationState.Revoked)), cancellationToken) == 1,
            cancellationToken);
    }

    public Task<bool> CreateAsync(JoinRequest request, string actor, CancellationToken cancellationToken) =>
        SaveAsync(GroupChanges.None, actor, [GroupAudit.Describe(request)], async () =>
        {
            if (await db.JoinRequests.AnyAsync(row => row.GroupId == request.GroupId && row.AccountId == request.AccountId
                                                      && row.State == nameof(JoinRequestState.Pending), cancellationToken))
                return false;
            db.JoinRequests.Add(new JoinRequestEntity
            {
                Id = request.Id, GroupId = request.GroupId, AccountId = request.AccountId, Message = request.Message,
                RequestedAt = request.RequestedAt.ToUniversalTime(), State = request.State.ToString(),
            });
            return true;
        }, cancellationToken);

    public async Task<JoinRequest?> FindAsync(string requestId, CancellationToken cancellationToken) =>
        await db.JoinRequests.AsNoTracking().SingleOrDefaultAsync(row => row.Id == requestId, cancellationToken) is { } found
            ? ToJoinRequest(found)
            : null;

    async Task<IReadOnlyList<JoinRequest>> IJoinRequestStore.ListPendingAsync(string groupId, CancellationToken cancellationToken)
    {
        var pending = JoinRequestState.Pending.ToString();
        var rows = await db.JoinRequests.AsNoTracking()
            .Where(row => row.GroupId == groupId && row.State == pending)
            .ToListAsync(cancellationToken);
        return [.. rows.OrderBy(row => row.RequestedAt).Select(ToJoinRequest)];
    }

    public async Task<bool> DecideAsync(JoinRequest decided, string actor, CancellationToken cancellationToken)
    {
        if (decided.State == JoinRequestState.Pending)
            throw new ArgumentException("A decision approves or denies.", nameof(decided));

        var now = time.GetUtcNow();
        var changes = GroupChanges.None;
        if (decided.State == JoinRequestState.Approved)
        {
            var plan = JoinRequestRules.Approve(decided, await FindMembershipAsync(decided.GroupId, decided.AccountId, cancellationToken), now);
            changes = GroupChanges.None with
            {
                Memberships = [.. plan.Adds.Select(added => new MembershipChange(null, added)), .. plan.Updates.Select(update => new MembershipChange(update.Before, update.After))],
            };
        }

        var state = decided.State.ToString();
        return await SaveAsync(changes, actor, [GroupAudit.Describe(decided)], async () =>
            await db.JoinRequests
                .Where(row => row.Id == decided.Id && row.State == nameof(JoinRequestState.Pending))
                .ExecuteUpdateAsync(set => set.SetProperty(row => row.State, state)
                    .SetProperty(row => row.DecidedBy, decided.DecidedBy)
                    .SetProperty(row => row.DecidedAt, now), cancellationToken) == 1,
            cancellationToken);
    }

    public async Task<IReadOnlyList<ExpiryReminderDue>> LoadDueAsync(TimeSpan notice, DateTimeOffset now, int max, CancellationToken cancellationToken)
    {
        var active = MembershipStatus.Active.ToString();
        var until = now + notice;
        var candidates = await db.Memberships.AsNoTracking().Include(m => m.Group)
            .Where(m => m.Status == active && m.End != null && m.End > now && m.End <= until)
            .ToListAsync(cancellationToken);
        if (candidates.Count == 0)
            return [];

        var accountIds = candidates.Select(m => m.AccountId).Distinct().ToList();
        var reminded = (await db.ExpiryReminders.AsNoTracking().Where(r => accountIds.Contains(r.AccountId)).ToListAsync(cancellationToken))
            .Select(r => (r.GroupId, r.AccountId, r.MembershipEnd)).ToHashSet();
        var due = MembershipLifecycle.DueForExpiryReminder(candidates.Select(GroupRows.ToMembership), notice, now, reminded).Take(max).ToList();

        var groups = candidates.Select(m => m.Group!).DistinctBy(g => g.Id).ToDictionary(g => g.Id, GroupRows.ToGroup);
        var managers = new Dictionary<string, IReadOnlyList<string>>();
        foreach (var group in due.Select(m => groups[m.GroupId]).DistinctBy(g => g.Id))
            managers[group.Id] = await ManagersAsync(group, now, cancellationToken);
        return [.. due.Select(m => new ExpiryReminderDue(m, groups[m.GroupId], [.. managers[m.GroupId].Where(id => id != m.AccountId)]))];
    }

    public async Task MarkRemindedAsync(Membership membership, DateTimeOffset sentAt, CancellationToken cancellationToken)
    {
        db.ExpiryReminders.Add(new ExpiryReminderEntity
        {
            GroupId = membership.GroupId, AccountId = membership.AccountId,
            MembershipEnd = (membership.End ?? throw new ArgumentException("An open-ended membership is never reminded.", nameof(membership))).ToUniversalTime(),
            SentAt = sentAt.ToUniversalTime(),
        });
        await db.SaveChangesAsync(cancellationToken);
    }

    /// <summary>
    /// The accounts that manage <paramref name="group"/> (<see cref="GroupAuthority.CanManage"/>):
    /// managers of it or of a group above it, and the PI of a proposal's team group.
    /// </summary>
    private async Task<IReadOnlyList<string>> ManagersAsync(Group group, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var paths = Enumerable.Range(1, group.Path.Segments.Count)
            .Select(length => new GroupPath(group.Path.Segments.Take(length)).ToString()).ToList();
        var rows = await db.Memberships.AsNoTracking().Include(m => m.Group)
            .Where(m => paths.Contains(m.Group!.Path))
            .ToListAsync(cancellationToken);
        return [.. rows.GroupBy(m => m.AccountId, StringComparer.Ordinal)
            .Where(person => GroupAuthority.CanManage(
                new PersonGroups([.. person.Select(GroupRows.ToMembership)], [.. person.Select(m => GroupRows.ToGroup(m.Group!))], []), group, now))
            .Select(person => person.Key)];
    }

    /// <summary>An issued invitation (one with a link, so with <paramref name="expires"/>).</summary>
    private static Invitation ToInvitation(InvitationEntity row, DateTimeOffset expires) =>
        new(row.Id, row.GroupId, row.ProposalId is null ? null : new ProposalKey(row.FacilityCode!, row.ProposalId),
            row.Email, GroupRows.Roles(row.Roles), row.InvitedBy, expires, Enum.Parse<InvitationState>(row.State), row.AcceptedBy);

    private static JoinRequest ToJoinRequest(JoinRequestEntity row) =>
        new(row.Id, row.GroupId, row.AccountId, row.Message, row.RequestedAt, Enum.Parse<JoinRequestState>(row.State), row.DecidedBy);
}
