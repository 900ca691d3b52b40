using AaiProxy.Data.Entities;
using AaiProxy.Groups;
using AaiProxy.Groups.Management;
using AaiProxy.Identity;
using Microsoft.EntityFrameworkCore;

namespace AaiProxy.Data;

/// <summary>
/// Invitations, join requests and expiry reminders over EF Core, on the same rules as the rest of the
/// group store: each change and its audit entries in one transaction; a decision on an invitation or a
/// request is saved only while the row is still pending, so two concurrent decisions cannot both win.
/// </summary>
internal sealed partial class GroupStore : IInvitationStore, IJoinRequestStore, IExpiryReminderStore, IAuditTrail
{
    public async Task CreateAsync(Invitation invitation, string tokenHash, string actor, CancellationToken cancellationToken)
    {
        var row = new InvitationEntity
        {
            Id = invitation.Id, TokenHash = tokenHash, GroupId = invitation.GroupId,
            FacilityCode = invitation.Proposal?.FacilityCode, ProposalId = invitation.Proposal?.ProposalId,
            Email = invitation.Email, Roles = string.Join(',', invitation.Roles.Roles), InvitedBy = invitation.InvitedBy,
            CreatedAt = time.GetUtcNow(), ExpiresAt = invitation.ExpiresAt.ToUniversalTime(), State = invitation.State.ToString(),
            AcceptedBy = invitation.AcceptedBy,
        };
        db.Invitations.Add(row);
        await SaveWithAuditAsync([GroupAudit.DescribeCreated(invitation)], actor, cancellationToken);
    }

    public async Task<Invitation?> FindByTokenHashAsync(string tokenHash, CancellationToken cancellationToken) =>
        await db.Invitations.AsNoTracking().SingleOrDefaultAsync(row => row.TokenHash == tokenHash, cancellationToken) is { } found
            ? ToInvitation(found)
            : null;

    public async Task<IReadOnlyList<Invitation>> ListPendingAsync(string groupId, CancellationToken cancellationToken)
    {
        var pending = InvitationState.Pending.ToString();
        var rows = await db.Invitations.AsNoTracking()
            .Where(row => row.GroupId == groupId && row.State == pending)
            .ToListAsync(cancellationToken);
        return [.. rows.OrderByDescending(row => row.CreatedAt).Select(ToInvitation)];
    }

    public async Task<bool> RevokeAsync(string groupId, string invitationId, string actor, CancellationToken cancellationToken)
    {
        var pending = InvitationState.Pending.ToString();
        var row = await db.Invitations.SingleOrDefaultAsync(
            r => r.Id == invitationId && r.GroupId == groupId && r.State == pending, cancellationToken);
        if (row is null)
            return false;
        var before = ToInvitation(row);
        row.State = InvitationState.Revoked.ToString();
        await SaveWithAuditAsync([GroupAudit.DescribeRevoked(before)], actor, cancellationToken);
        return true;
    }

    public async Task<bool> SaveAcceptanceAsync(InvitationAcceptance acceptance, string actor, CancellationToken cancellationToken)
    {
        if (acceptance.Outcome != InvitationOutcome.Accepted)
            throw new ArgumentException("Only an accepted invitation is saved.", nameof(acceptance));

        var invitation = acceptance.Invitation;
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        // The single-use guard: the row changes only while still pending, inside this transaction.
        var pending = InvitationState.Pending.ToString();
        var accepted = InvitationState.Accepted.ToString();
        var claimed = await db.Invitations
            .Where(row => row.Id == invitation.Id && row.State == pending)
            .ExecuteUpdateAsync(set => set.SetProperty(row => row.State, accepted).SetProperty(row => row.AcceptedBy, invitation.AcceptedBy), cancellationToken);
        if (claimed == 0)
            return false;

        var changes = acceptance.Proposal is { } proposal
            ? GroupChanges.Of(new ProposalChange(GroupRows.ToProposal(await db.Proposals.AsNoTracking().SingleAsync(
                p => p.FacilityCode == proposal.FacilityCode && p.ProposalId == proposal.Id, cancellationToken)), proposal))
            : GroupChanges.Of(new MembershipChange(await FindMembershipAsync(invitation.GroupId, invitation.AcceptedBy!, cancellationToken), acceptance.Membership!));
        var entries = (await StageAsync(changes, cancellationToken)).Prepend(GroupAudit.Describe(acceptance));
        await SaveWithAuditAsync(entries, actor, cancellationToken, transaction);
        return true;
    }

    public async Task<bool> CreateAsync(JoinRequest request, string actor, CancellationToken cancellationToken)
    {
        var pending = JoinRequestState.Pending.ToString();
        if (await db.JoinRequests.AnyAsync(row => row.GroupId == request.GroupId && row.AccountId == request.AccountId && row.State == pending, cancellationToken))
            return false;
        db.JoinRequests.Add(new JoinRequestEntity
        {
            Id = request.Id, GroupId = request.GroupId, AccountId = request.AccountId, Message = request.Message,
            RequestedAt = request.RequestedAt.ToUniversalTime(), State = request.State.ToString(),
        });
        await SaveWithAuditAsync([GroupAudit.Describe(request)], actor, cancellationToken);
        return true;
    }

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
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var pending = JoinRequestState.Pending.ToString();
        var state = decided.State.ToString();
        var claimed = await db.JoinRequests
            .Where(row => row.Id == decided.Id && row.State == pending)
            .ExecuteUpdateAsync(set => set.SetProperty(row => row.State, state)
                .SetProperty(row => row.DecidedBy, decided.DecidedBy)
                .SetProperty(row => row.DecidedAt, now), cancellationToken);
        if (claimed == 0)
            return false;

        var entries = new List<GroupAuditEntry> { GroupAudit.Describe(decided) };
        if (decided.State == JoinRequestState.Approved)
        {
            var existing = await FindMembershipAsync(decided.GroupId, decided.AccountId, cancellationToken);
            var plan = JoinRequestRules.Approve(decided, existing, now);
            var changes = GroupChanges.None with
            {
                Memberships = [.. plan.Adds.Select(added => new MembershipChange(null, added)), .. plan.Updates.Select(update => new MembershipChange(update.Before, update.After))],
            };
            entries.AddRange(await StageAsync(changes, cancellationToken));
        }

        await SaveWithAuditAsync(entries, actor, cancellationToken, transaction);
        return true;
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

    public async Task<IReadOnlyList<AuditRecord>> ListAsync(string? target, long? before, int size, CancellationToken cancellationToken)
    {
        var query = db.AuditEvents.AsNoTracking();
        if (target is not null)
            query = query.Where(e => e.Target == target);
        if (before is { } id)
            query = query.Where(e => e.Id < id);
        return await query.OrderByDescending(e => e.Id).Take(size)
            .Select(e => new AuditRecord(e.Id, e.OccurredAt, e.Actor, e.Action, e.Target, e.Details))
            .ToListAsync(cancellationToken);
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

    private static Invitation ToInvitation(InvitationEntity row) =>
        new(row.Id, row.GroupId,
            row.FacilityCode is { } facility && row.ProposalId is { } proposal ? new ProposalKey(facility, proposal) : null,
            row.Email, row.Roles.Length == 0 ? RoleSet.None : RoleSet.Of(row.Roles.Split(',')), row.InvitedBy, row.ExpiresAt,
            Enum.Parse<InvitationState>(row.State), row.AcceptedBy);

    private static JoinRequest ToJoinRequest(JoinRequestEntity row) =>
        new(row.Id, row.GroupId, row.AccountId, row.Message, row.RequestedAt, Enum.Parse<JoinRequestState>(row.State), row.DecidedBy);
}
