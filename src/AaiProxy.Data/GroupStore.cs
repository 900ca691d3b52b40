using System.Text.Json;
using System.Text.Json.Serialization;
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
    : IGroupReader, IProposalStore, IGroupDirectory, IGroupWriter, IInvitationStore
{
    public async Task<PersonGroups> LoadPersonAsync(string accountId, CancellationToken cancellationToken)
    {
        // One query whatever the number of memberships: each membership with its group and the proposal whose team
        // group that is (at most one: TeamGroupId is unique), untracked.
        var rows = await (
                from membership in db.Memberships.AsNoTracking()
                where membership.AccountId == accountId
                join grouped in db.Groups.AsNoTracking() on membership.GroupId equals grouped.Id
                join team in db.Proposals.AsNoTracking() on grouped.Id equals team.TeamGroupId into teams
                from proposal in teams.DefaultIfEmpty()
                select new { membership, grouped, proposal })
            .ToListAsync(cancellationToken);
        return new PersonGroups(
            [.. rows.Select(row => GroupRows.ToMembership(row.membership))],
            [.. rows.Select(row => GroupRows.ToGroup(row.grouped))],
            [.. rows.Where(row => row.proposal is not null).Select(row => GroupRows.ToProposal(row.proposal!))]);
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

    // Lists of keys go to the database in chunks: providers bound the parameters of one statement.
    private const int LookupChunk = 500;

    /// <summary>
    /// The named proposals, the people named (by community id, facility user id, and by an e-mail
    /// address their linked identities last asserted) and the invitations already asked for these
    /// proposals, so that a second run of an import plans nothing.
    /// </summary>
    public async Task<ImportState> LoadImportStateAsync(IReadOnlyList<ImportedProposal> proposals, CancellationToken cancellationToken)
    {
        var ids = proposals.Select(proposal => proposal.Id).OfType<string>().Distinct(StringComparer.Ordinal).ToList();
        var keys = proposals.Where(p => p.Facility is not null && p.Id is not null)
            .Select(p => new ProposalKey(p.Facility!, p.Id!)).ToHashSet();
        var stored = new Dictionary<ProposalKey, Proposal>();
        foreach (var chunk in ids.Chunk(LookupChunk))
            foreach (var proposal in (await db.Proposals.AsNoTracking().Where(proposal => chunk.Contains(proposal.ProposalId)).ToListAsync(cancellationToken))
                         .Select(GroupRows.ToProposal).Where(proposal => keys.Contains(proposal.Key)))
                stored[proposal.Key] = proposal;

        var team = proposals.SelectMany(proposal => proposal.Team).ToList();
        var communityIds = team.Select(person => person.CommunityId).OfType<string>().Distinct(StringComparer.Ordinal).ToList();
        var facilityUserIds = team.Select(person => person.FacilityUserId).OfType<string>().Distinct(StringComparer.Ordinal).ToList();
        var emails = team.Select(person => person.Email?.Trim().ToLowerInvariant()).OfType<string>().Distinct(StringComparer.Ordinal).ToList();
        var accounts = new List<string>();
        foreach (var chunk in communityIds.Chunk(LookupChunk))
            accounts.AddRange(await db.CommunityAccounts.AsNoTracking().Where(account => chunk.Contains(account.Id)).Select(account => account.Id).ToListAsync(cancellationToken));
        var known = new List<FacilityUserId>();
        foreach (var chunk in facilityUserIds.Chunk(LookupChunk))
            known.AddRange(await db.FacilityUserIds.AsNoTracking()
                .Where(id => chunk.Contains(id.UserId))
                .Select(id => new FacilityUserId(id.AccountId, id.FacilityCode, id.UserId))
                .ToListAsync(cancellationToken));
        var invitations = new Dictionary<InvitationKey, string?>();
        foreach (var chunk in ids.Chunk(LookupChunk))
            foreach (var row in await db.Invitations.AsNoTracking()
                         .Where(i => i.ProposalId != null && chunk.Contains(i.ProposalId) && i.State != nameof(InvitationState.Revoked))
                         .ToListAsync(cancellationToken))
                if (keys.Contains(new ProposalKey(row.FacilityCode!, row.ProposalId!)))
                    invitations[new InvitationKey(new ProposalKey(row.FacilityCode!, row.ProposalId!), row.Email)] = row.AcceptedBy;
        return new ImportState(stored, new PersonDirectory(accounts, await AccountsByEmailAsync(emails, cancellationToken), known), invitations);
    }

    public Task ApplyAsync(ProposalImportPlan plan, string actor, CancellationToken cancellationToken) =>
        plan.IsValid
            ? SaveAsync(GroupChanges.Of(plan), actor, cancellationToken)
            : throw new ArgumentException("A plan with problems is never applied.", nameof(plan));

    public string NewGroupId() => CommunityAccountResolver.NewOpaqueId();

    public async Task SaveAsync(GroupChanges changes, string actor, CancellationToken cancellationToken) =>
        await SaveAsync(changes, actor, [], guard: null, cancellationToken);

    /// <summary>
    /// The one write: stages the changes, their audit entries and <paramref name="extraEntries"/>, and
    /// saves them in one transaction. <paramref name="guard"/> runs first inside the transaction; when it
    /// returns false nothing is saved (a conditional update another request won).
    /// </summary>
    private async Task<bool> SaveAsync(
        GroupChanges changes, string actor, IEnumerable<GroupAuditEntry> extraEntries, Func<Task<bool>>? guard, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        if (guard is not null && !await guard())
            return false;
        var entries = GroupAudit.Describe(changes).Concat(extraEntries).ToList();
        foreach (var change in changes.Groups)
            await StageAsync(change, cancellationToken);
        foreach (var change in changes.Memberships)
            await StageAsync(change, cancellationToken);
        foreach (var change in changes.Proposals)
            entries.AddRange(await StageAsync(change, now, cancellationToken));
        foreach (var change in changes.FacilityUserIds)
            await StageAsync(change, cancellationToken);
        foreach (var request in changes.Invitations)
            await StageAsync(request, actor, now, cancellationToken);

        var staged = entries.Select(entry => audit.Stage(ToAuditEvent(entry, actor))).ToList();
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        staged.ForEach(audit.Written);
        return true;
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
            return await PlanTeamAsync(proposal, facility, teamGroup.Id, now, cancellationToken,
                newGroup: db.Entry(teamGroup).State == EntityState.Added);
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
    /// <param name="newGroup">The team group was created in this transaction: it has no memberships to read.</param>
    private async Task<IEnumerable<GroupAuditEntry>> PlanTeamAsync(
        Proposal proposal, Facility facility, string teamGroupId, DateTimeOffset now, CancellationToken cancellationToken, bool newGroup = false)
    {
        var rows = newGroup ? [] : await db.Memberships.Where(membership => membership.GroupId == teamGroupId).ToListAsync(cancellationToken);
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
internal static partial class GroupRows
{
    private sealed record SessionRow(string Instrument, DateTimeOffset Start, DateTimeOffset End);

    private sealed record TeamRow(string Account, string[] Roles);

    /// <summary>The stored JSON of teams and sessions, read and written by generated code (the same JSON the
    /// reflection-based serializer wrote): every token issue decodes one of each per proposal of the person.</summary>
    [JsonSerializable(typeof(TeamRow[]))]
    [JsonSerializable(typeof(SessionRow[]))]
    private sealed partial class RowJson : JsonSerializerContext;

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
            (JsonSerializer.Deserialize(row.TeamJson, RowJson.Default.TeamRowArray) ?? []).Select(member => new TeamMember(member.Account, RoleSet.Of(member.Roles))),
            (JsonSerializer.Deserialize(row.SessionsJson, RowJson.Default.SessionRowArray) ?? []).Select(session => new BeamtimeSession(session.Instrument, session.Start, session.End)),
            row.EmbargoEnd is { } end ? new EmbargoOverride(end, row.EmbargoShortened) : null);

    public static void Write(ProposalEntity row, Proposal proposal)
    {
        row.Title = proposal.Title;
        row.SessionsJson = JsonSerializer.Serialize(
            [.. proposal.Sessions.Select(s => new SessionRow(s.Instrument, s.Start.ToUniversalTime(), s.End.ToUniversalTime()))], RowJson.Default.SessionRowArray);
        row.TeamJson = JsonSerializer.Serialize([.. proposal.Team.Select(m => new TeamRow(m.AccountId, [.. m.Roles.Roles]))], RowJson.Default.TeamRowArray);
        row.EmbargoEnd = proposal.Embargo?.End.ToUniversalTime();
        row.EmbargoShortened = proposal.Embargo?.Shortened ?? false;
    }

    internal static RoleSet Roles(string stored) => stored.Length == 0 ? RoleSet.None : RoleSet.Of(stored.Split(','));
}
