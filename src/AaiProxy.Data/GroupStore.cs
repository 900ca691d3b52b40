using System.Text.Json;
using AaiProxy.Data.Entities;
using AaiProxy.Groups;
using AaiProxy.Groups.Import;
using AaiProxy.Groups.Management;
using AaiProxy.Identity;
using Microsoft.EntityFrameworkCore;

namespace AaiProxy.Data;

/// <summary>
/// Groups, memberships and proposals over EF Core. Every change is applied in one transaction
/// together with its audit events (<see cref="GroupAudit"/> decides what they record).
/// </summary>
internal sealed partial class GroupStore(ProxyDbContext db, AuditLog audit, FacilityCatalog facilities, TimeProvider time)
    : IGroupReader, IProposalStore, IGroupDirectory, IGroupWriter
{
    public async Task<PersonGroups> LoadPersonAsync(string accountId, CancellationToken cancellationToken)
    {
        // Two queries whatever the number of memberships: memberships with their groups, then the
        // proposals whose team groups those are.
        var memberships = await db.Memberships.AsNoTracking().Include(membership => membership.Group)
            .Where(membership => membership.AccountId == accountId)
            .ToListAsync(cancellationToken);
        var groupIds = memberships.Select(membership => membership.GroupId).ToList();
        var proposals = await db.Proposals.AsNoTracking()
            .Where(proposal => groupIds.Contains(proposal.TeamGroupId))
            .ToListAsync(cancellationToken);
        return new PersonGroups(
            [.. memberships.Select(GroupRows.ToMembership)],
            [.. memberships.Select(membership => GroupRows.ToGroup(membership.Group!))],
            [.. proposals.Select(GroupRows.ToProposal)]);
    }

    public async Task<Group?> FindGroupAsync(string groupId, CancellationToken cancellationToken) =>
        await db.Groups.AsNoTracking().SingleOrDefaultAsync(group => group.Id == groupId, cancellationToken) is { } found
            ? GroupRows.ToGroup(found)
            : null;

    public async Task<IReadOnlyList<FacilityUserId>> LoadFacilityUserIdsAsync(string accountId, CancellationToken cancellationToken) =>
        await db.FacilityUserIds.AsNoTracking()
            .Where(id => id.AccountId == accountId)
            .Select(id => new FacilityUserId(id.AccountId, id.FacilityCode, id.UserId))
            .ToListAsync(cancellationToken);

    /// <summary>
    /// The named proposals, and the people named by community id and facility user id. E-mail
    /// addresses are not looked up (accounts keep no verified address yet), so a person named by
    /// e-mail becomes an invitation request, which <see cref="ApplyAsync"/> refuses until invitations are stored.
    /// </summary>
    public async Task<ImportState> LoadImportStateAsync(IReadOnlyList<ImportedProposal> proposals, CancellationToken cancellationToken)
    {
        var ids = proposals.Select(proposal => proposal.Id).OfType<string>().Distinct(StringComparer.Ordinal).ToList();
        var keys = proposals.Where(p => p.Facility is not null && p.Id is not null)
            .Select(p => new ProposalKey(p.Facility!, p.Id!)).ToHashSet();
        var stored = (await db.Proposals.AsNoTracking().Where(proposal => ids.Contains(proposal.ProposalId)).ToListAsync(cancellationToken))
            .Select(GroupRows.ToProposal)
            .Where(proposal => keys.Contains(proposal.Key))
            .ToDictionary(proposal => proposal.Key);

        var team = proposals.SelectMany(proposal => proposal.Team).ToList();
        var communityIds = team.Select(person => person.CommunityId).OfType<string>().Distinct(StringComparer.Ordinal).ToList();
        var facilityUserIds = team.Select(person => person.FacilityUserId).OfType<string>().Distinct(StringComparer.Ordinal).ToList();
        var accounts = await db.CommunityAccounts.AsNoTracking()
            .Where(account => communityIds.Contains(account.Id)).Select(account => account.Id).ToListAsync(cancellationToken);
        var known = await db.FacilityUserIds.AsNoTracking()
            .Where(id => facilityUserIds.Contains(id.UserId))
            .Select(id => new FacilityUserId(id.AccountId, id.FacilityCode, id.UserId))
            .ToListAsync(cancellationToken);
        return new ImportState(stored, new PersonDirectory(accounts, [], known), new Dictionary<InvitationKey, string?>());
    }

    public Task ApplyAsync(ProposalImportPlan plan, string actor, CancellationToken cancellationToken) =>
        plan.IsValid
            ? SaveAsync(GroupChanges.Of(plan), actor, cancellationToken)
            : throw new ArgumentException("A plan with problems is never applied.", nameof(plan));

    public string NewGroupId() => CommunityAccountResolver.NewOpaqueId();

    public async Task SaveAsync(GroupChanges changes, string actor, CancellationToken cancellationToken)
    {
        if (changes.Invitations.Count > 0)
            throw new NotSupportedException("Invitations by e-mail are not stored yet: name every team member by community_id or facility_user_id.");

        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        await SaveWithAuditAsync(await StageAsync(changes, cancellationToken), actor, cancellationToken, transaction);
    }

    /// <summary>Stages every change of one command; returns their audit entries, with those of the team plans of changed proposals.</summary>
    private async Task<List<GroupAuditEntry>> StageAsync(GroupChanges changes, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var entries = GroupAudit.Describe(changes).ToList();
        foreach (var change in changes.Groups)
            await StageAsync(change, cancellationToken);
        foreach (var change in changes.Memberships)
            await StageAsync(change, cancellationToken);
        foreach (var change in changes.Proposals)
            entries.AddRange(await StageAsync(change, now, cancellationToken));
        foreach (var change in changes.FacilityUserIds)
            await StageAsync(change, cancellationToken);
        return entries;
    }

    /// <summary>Saves what is staged with its audit entries (committing <paramref name="transaction"/> when the change needed one).</summary>
    private async Task SaveWithAuditAsync(IEnumerable<GroupAuditEntry> entries, string actor, CancellationToken cancellationToken,
        Microsoft.EntityFrameworkCore.Storage.IDbContextTransaction? transaction = null)
    {
        var staged = entries.Select(entry => audit.Stage(ToAuditEvent(entry, actor))).ToList();
        await db.SaveChangesAsync(cancellationToken);
        if (transaction is not null)
            await transaction.CommitAsync(cancellationToken);
        staged.ForEach(audit.Written);
    }

    private async Task StageAsync(GroupChange change, CancellationToken cancellationToken)
    {
        if (change.Before is null)
        {
            var group = change.After!;
            db.Groups.Add(new GroupEntity
            {
                Id = group.Id, ParentId = group.ParentId, Path = group.Path.ToString(), Kind = group.Kind.ToString(),
                FacilityCode = FacilityContaining(group.Path)?.Code, Description = group.Description, Visibility = group.Visibility.ToString(),
            });
            return;
        }

        var row = await db.Groups.SingleAsync(g => g.Id == change.Before.Id, cancellationToken);
        if (change.After is { } after)
        {
            row.Description = after.Description;
            row.Visibility = after.Visibility.ToString();
            return;
        }

        // A deleted group takes its memberships with it; the audit entry keeps what it was.
        db.Memberships.RemoveRange(await db.Memberships.Where(m => m.GroupId == row.Id).ToListAsync(cancellationToken));
        db.Groups.Remove(row);
    }

    private async Task StageAsync(MembershipChange change, CancellationToken cancellationToken)
    {
        var after = change.After;
        var row = await db.Memberships.SingleOrDefaultAsync(m => m.GroupId == after.GroupId && m.AccountId == after.AccountId, cancellationToken);
        if (row is null)
        {
            row = new MembershipEntity { GroupId = after.GroupId, AccountId = after.AccountId, Status = "" };
            db.Memberships.Add(row);
        }
        GroupRows.Write(row, after);
    }

    /// <summary>Stages a proposal change and its team group's plan; returns the plan's audit entries.</summary>
    private async Task<IEnumerable<GroupAuditEntry>> StageAsync(ProposalChange change, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (change.Before is null)
        {
            var proposal = change.After!;
            var facility = FacilityOf(proposal);
            var teamGroup = await EnsureGroupAsync(facility.TeamGroupPath(proposal.Id), GroupKind.Proposal, facility.Code, cancellationToken);
            var created = new ProposalEntity
            {
                FacilityCode = proposal.FacilityCode, ProposalId = proposal.Id, Title = proposal.Title,
                SessionsJson = "", TeamJson = "", TeamGroupId = teamGroup.Id,
            };
            GroupRows.Write(created, proposal);
            db.Proposals.Add(created);
            return await PlanTeamAsync(proposal, facility, teamGroup.Id, now, cancellationToken);
        }

        var key = change.Before.Key;
        var row = await db.Proposals.SingleAsync(p => p.FacilityCode == key.FacilityCode && p.ProposalId == key.ProposalId, cancellationToken);
        if (change.After is { } after)
        {
            GroupRows.Write(row, after);
            return await PlanTeamAsync(after, FacilityOf(after), row.TeamGroupId, now, cancellationToken);
        }

        // A deleted proposal ends its team's memberships; the team group stays for the audit trail and a re-import.
        db.Proposals.Remove(row);
        return await PlanTeamAsync(change.Before with { Team = default }, FacilityOf(change.Before), row.TeamGroupId, now, cancellationToken);
    }

    private async Task StageAsync(FacilityUserIdChange change, CancellationToken cancellationToken)
    {
        var row = change.Before is { } before
            ? await db.FacilityUserIds.SingleAsync(id => id.FacilityCode == before.FacilityCode && id.UserId == before.UserId, cancellationToken)
            : null;
        if (row is not null && change.After is { } moved && moved.FacilityCode == row.FacilityCode && moved.UserId == row.UserId)
            row.AccountId = moved.AccountId;
        else if (row is not null)
            db.FacilityUserIds.Remove(row);
        if (change.After is { } after && row?.AccountId != after.AccountId)
            db.FacilityUserIds.Add(new FacilityUserIdEntity { FacilityCode = after.FacilityCode, UserId = after.UserId, AccountId = after.AccountId });
    }

    private Facility? FacilityContaining(GroupPath path) =>
        path.Segments.Count > 1 && facilities.Find(path.Segments[1]) is { } facility && path.IsWithin(facility.Path) ? facility : null;

    private Facility FacilityOf(Proposal proposal) =>
        facilities.Find(proposal.FacilityCode)
        ?? throw new InvalidOperationException($"Facility '{proposal.FacilityCode}' is not configured (AaiProxy:Facilities).");

    /// <summary>Plans the team group against its stored memberships and stages the changes; returns their audit entries.</summary>
    private async Task<IEnumerable<GroupAuditEntry>> PlanTeamAsync(
        Proposal proposal, Facility facility, string teamGroupId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var rows = await db.Memberships.Where(membership => membership.GroupId == teamGroupId).ToListAsync(cancellationToken);
        var plan = ProposalTeamPlanner.Plan(proposal, facility, teamGroupId, rows.Select(GroupRows.ToMembership), now);
        foreach (var added in plan.Adds)
        {
            var row = new MembershipEntity { GroupId = added.GroupId, AccountId = added.AccountId, Status = "" };
            GroupRows.Write(row, added);
            db.Memberships.Add(row);
        }

        foreach (var changed in plan.Updates.Concat(plan.Ends))
            GroupRows.Write(rows.Single(row => row.AccountId == changed.After.AccountId), changed.After);
        return GroupAudit.Describe(plan);
    }

    /// <summary>The group at <paramref name="path"/>, created with any missing ancestors (a facility's group on its first proposal).</summary>
    private async Task<GroupEntity> EnsureGroupAsync(GroupPath path, GroupKind kind, string? facilityCode, CancellationToken cancellationToken)
    {
        var display = path.ToString();
        var existing = db.Groups.Local.SingleOrDefault(group => group.Path == display)
                       ?? await db.Groups.SingleOrDefaultAsync(group => group.Path == display, cancellationToken);
        if (existing is not null)
            return existing;

        var segments = path.Segments;
        var parentPath = segments.Count > 1 ? new GroupPath(segments.Take(segments.Count - 1)) : null;
        // A team group's parent is its facility's group; the groups above a facility's are community groups.
        var parentIsFacility = parentPath is not null && facilityCode is not null && facilities.Find(facilityCode)?.Path.Equals(parentPath) == true;
        var parent = parentPath is null
            ? null
            : await EnsureGroupAsync(parentPath, parentIsFacility ? GroupKind.Facility : GroupKind.Community,
                parentIsFacility ? facilityCode : null, cancellationToken);
        var created = new GroupEntity
        {
            Id = CommunityAccountResolver.NewOpaqueId(), ParentId = parent?.Id, Path = display, Kind = kind.ToString(),
            FacilityCode = facilityCode, Visibility = (kind == GroupKind.Proposal ? GroupVisibility.Members : GroupVisibility.Community).ToString(),
        };
        db.Groups.Add(created);
        return created;
    }

    private static AuditEvent ToAuditEvent(GroupAuditEntry entry, string actor) =>
        new(actor, entry.Action, entry.Target,
            entry.After.Concat(entry.Before.Select(field => KeyValuePair.Create($"before.{field.Key}", field.Value)))
                .ToDictionary(StringComparer.Ordinal));
}

/// <summary>Rows ↔ the domain model: the one place the stored form of groups and proposals is decided.</summary>
internal static class GroupRows
{
    private sealed record SessionRow(string Instrument, DateTimeOffset Start, DateTimeOffset End);

    private sealed record TeamRow(string Account, string[] Roles);

    public static Group ToGroup(GroupEntity row) =>
        new(row.Id, row.ParentId, GroupPath.Parse(row.Path), Enum.Parse<GroupKind>(row.Kind), row.Description, Enum.Parse<GroupVisibility>(row.Visibility));

    public static Membership ToMembership(MembershipEntity row) =>
        new(row.GroupId, row.AccountId, Roles(row.Roles), row.Start, row.End, Enum.Parse<MembershipStatus>(row.Status));

    public static void Write(MembershipEntity row, Membership membership)
    {
        row.Roles = string.Join(',', membership.Roles.Roles);
        row.Start = membership.Start?.ToUniversalTime();
        row.End = membership.End?.ToUniversalTime();
        row.Status = membership.Status.ToString();
    }

    public static Proposal ToProposal(ProposalEntity row) =>
        Proposal.Create(row.FacilityCode, row.ProposalId, row.Title,
            (JsonSerializer.Deserialize<TeamRow[]>(row.TeamJson) ?? []).Select(member => new TeamMember(member.Account, RoleSet.Of(member.Roles))),
            (JsonSerializer.Deserialize<SessionRow[]>(row.SessionsJson) ?? []).Select(session => new BeamtimeSession(session.Instrument, session.Start, session.End)),
            row.EmbargoEnd is { } end ? new EmbargoOverride(end, row.EmbargoShortened) : null);

    public static void Write(ProposalEntity row, Proposal proposal)
    {
        row.Title = proposal.Title;
        row.SessionsJson = JsonSerializer.Serialize(proposal.Sessions.Select(s => new SessionRow(s.Instrument, s.Start.ToUniversalTime(), s.End.ToUniversalTime())));
        row.TeamJson = JsonSerializer.Serialize(proposal.Team.Select(m => new TeamRow(m.AccountId, [.. m.Roles.Roles])));
        row.EmbargoEnd = proposal.Embargo?.End.ToUniversalTime();
        row.EmbargoShortened = proposal.Embargo?.Shortened ?? false;
    }

    private static RoleSet Roles(string stored) => stored.Length == 0 ? RoleSet.None : RoleSet.Of(stored.Split(','));
}
