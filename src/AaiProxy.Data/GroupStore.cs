using System.Text.Json;
using AaiProxy.Data.Entities;
using AaiProxy.Groups;
using AaiProxy.Groups.Import;
using AaiProxy.Identity;
using Microsoft.EntityFrameworkCore;

namespace AaiProxy.Data;

/// <summary>
/// Groups, memberships and proposals over EF Core. Every change is applied in one transaction
/// together with its audit events (<see cref="GroupAudit"/> decides what they record).
/// </summary>
internal sealed partial class GroupStore(ProxyDbContext db, AuditLog audit, FacilityCatalog facilities, TimeProvider time)
    : IGroupReader, IProposalStore
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

    public async Task ApplyAsync(ProposalImportPlan plan, string actor, CancellationToken cancellationToken)
    {
        if (!plan.IsValid)
            throw new ArgumentException("A plan with problems is never applied.", nameof(plan));
        if (plan.Invitations.Count > 0)
            throw new NotSupportedException("Invitations by e-mail are not stored yet: name every team member by community_id or facility_user_id.");

        var now = time.GetUtcNow();
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var entries = GroupAudit.Describe(plan).ToList();
        foreach (var proposal in plan.Creates)
        {
            var facility = FacilityOf(proposal);
            var teamGroup = await EnsureGroupAsync(facility.TeamGroupPath(proposal.Id), GroupKind.Proposal, facility.Code, cancellationToken);
            var row = new ProposalEntity
            {
                FacilityCode = proposal.FacilityCode, ProposalId = proposal.Id, Title = proposal.Title,
                SessionsJson = "", TeamJson = "", TeamGroupId = teamGroup.Id,
            };
            GroupRows.Write(row, proposal);
            db.Proposals.Add(row);
            entries.AddRange(await PlanTeamAsync(proposal, facility, teamGroup.Id, now, cancellationToken));
        }

        foreach (var update in plan.Updates)
        {
            var proposal = update.After;
            var row = await db.Proposals.SingleAsync(
                p => p.FacilityCode == proposal.FacilityCode && p.ProposalId == proposal.Id, cancellationToken);
            GroupRows.Write(row, proposal);
            entries.AddRange(await PlanTeamAsync(proposal, FacilityOf(proposal), row.TeamGroupId, now, cancellationToken));
        }

        var staged = entries.Select(entry => audit.Stage(ToAuditEvent(entry, actor))).ToList();
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        staged.ForEach(audit.Written);
    }

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
