using AaiProxy.Groups;
using AaiProxy.Groups.Management;
using AaiProxy.Server.Configuration;
using Microsoft.Extensions.Options;

namespace AaiProxy.Server.Groups.Management;

/// <summary>
/// Group management as every front (REST API, SCIM, admin pages) calls it: who may do what
/// (<see cref="ManagementRights"/>), the commands, and one write per command through
/// <see cref="IGroupWriter"/>, which saves the change and its audit entries in one transaction.
/// Versions (<c>ifMatch</c>) are the current <see cref="Versioned{T}.Version"/>; null skips the check
/// (a front that requires one says so itself).
/// </summary>
public sealed partial class GroupAdministration(
    IGroupReader reader, IGroupDirectory directory, IGroupWriter writer, IProposalStore proposals, FacilityCatalog facilities,
    IOptions<ProxyOptions> options, TimeProvider time)
{
    private const int MaxNameLength = 64;
    private const int MaxDescriptionLength = 1000;
    private const int MaxTitleLength = 1000;
    private readonly RoleCatalog _roles = RoleCatalog.Default;

    // ---- Groups ----

    public async Task<Outcome<Versioned<Group>>> CreateGroupAsync(ManagementActor actor, CreateGroup command, CancellationToken cancellationToken)
    {
        if (await reader.FindGroupAsync(command.ParentId, cancellationToken) is not { } parent)
            return new Failure.NotFound($"No group has the id '{command.ParentId}'.");
        var rights = await RightsAsync(actor, cancellationToken);
        if (!rights.CanManage(parent))
            return new Failure.Forbidden($"You do not manage {parent.Path}.");
        var problems = new List<ManagementProblem>();
        if (string.IsNullOrWhiteSpace(command.Name) || command.Name.Length > MaxNameLength || command.Name.Any(char.IsControl) || command.Name.Trim() != command.Name)
            problems.Add(new("name", ManagementProblemCodes.InvalidName, $"A group name has 1 to {MaxNameLength} characters, no control characters and no surrounding spaces."));
        CheckDescription(command.Description, problems);
        if (problems.Count > 0)
            return new Failure.Invalid(problems);

        var path = parent.Path.Child(command.Name);
        if (await directory.FindGroupByPathAsync(path, cancellationToken) is not null)
            return new Failure.Conflict($"{path} exists already.", PreconditionFailed: false);
        var kind = parent.Kind is GroupKind.Community or GroupKind.Facility ? GroupKind.Team : GroupKind.Subgroup;
        var group = new Group(writer.NewGroupId(), parent.Id, path, kind, command.Description, command.Visibility);
        await writer.SaveAsync(GroupChanges.Of(new GroupChange(null, group)), actor.AuditName, cancellationToken);
        return Version(group);
    }

    public async Task<Outcome<Versioned<Group>>> GetGroupAsync(ManagementActor actor, string groupId, CancellationToken cancellationToken)
    {
        if (await reader.FindGroupAsync(groupId, cancellationToken) is not { } group)
            return GroupNotFound(groupId);
        var rights = await RightsAsync(actor, cancellationToken);
        return rights.CanManage(group) || rights.IsMember(group.Id) || (actor.AccountId is not null && group.Visibility != GroupVisibility.Members)
            ? Version(group)
            : new Failure.Forbidden($"{group.Path} is visible to its members and managers only.");
    }

    /// <summary>The groups the actor manages (every group for a platform admin), by path.</summary>
    public async Task<Outcome<Page<Versioned<Group>>>> ListGroupsAsync(ManagementActor actor, PageRequest page, CancellationToken cancellationToken)
    {
        var scope = (await RightsAsync(actor, cancellationToken)).Scope;
        if (scope is { Count: 0 })
            return new Page<Versioned<Group>>([], null);
        var groups = await directory.ListGroupsAsync(scope, page, cancellationToken);
        return new Page<Versioned<Group>>([.. groups.Items.Select(Version)], groups.Next);
    }

    /// <summary>The actor's own effective memberships ("my groups").</summary>
    public async Task<IReadOnlyList<MyMembership>> MyGroupsAsync(ManagementActor actor, CancellationToken cancellationToken) =>
        [.. (await RightsAsync(actor, cancellationToken)).Memberships
            .OrderBy(m => m.Group.Path.ToString(), StringComparer.Ordinal)
            .Select(m => new MyMembership(m.Group, Version(m.Membership)))];

    public async Task<Outcome<Versioned<Group>>> UpdateGroupAsync(
        ManagementActor actor, string groupId, UpdateGroup command, string? ifMatch, CancellationToken cancellationToken)
    {
        var (group, failure) = await ManagedGroupAsync(actor, groupId, cancellationToken);
        if (failure is not null)
            return failure;
        if (Precondition(ifMatch, GroupAudit.Version(group!)) is { } stale)
            return stale;
        var problems = new List<ManagementProblem>();
        CheckDescription(command.Description, problems);
        if (problems.Count > 0)
            return new Failure.Invalid(problems);

        var after = group! with { Description = command.Description, Visibility = command.Visibility };
        if (after != group)
            await writer.SaveAsync(GroupChanges.Of(new GroupChange(group, after)), actor.AuditName, cancellationToken);
        return Version(after);
    }

    /// <summary>Deletes a team or sub-group without sub-groups (with its memberships); facility, community and proposal groups stay.</summary>
    public async Task<Outcome<Deleted>> DeleteGroupAsync(ManagementActor actor, string groupId, string? ifMatch, CancellationToken cancellationToken)
    {
        var (group, failure) = await ManagedGroupAsync(actor, groupId, cancellationToken);
        if (failure is not null)
            return failure;
        if (Precondition(ifMatch, GroupAudit.Version(group!)) is { } stale)
            return stale;
        if (group!.Kind is not (GroupKind.Team or GroupKind.Subgroup))
            return new Failure.Conflict($"{group.Path} is a {group.Kind.ToString().ToLowerInvariant()} group: only teams and sub-groups are deleted.", PreconditionFailed: false);
        if (await directory.HasChildrenAsync(group.Id, cancellationToken))
            return new Failure.Conflict($"{group.Path} has sub-groups: delete them first.", PreconditionFailed: false);
        await writer.SaveAsync(GroupChanges.Of(new GroupChange(group, null)), actor.AuditName, cancellationToken);
        return new Deleted($"group:{group.Id}");
    }

    // ---- Memberships ----

    public async Task<Outcome<Page<Versioned<Membership>>>> ListMembersAsync(
        ManagementActor actor, string groupId, PageRequest page, CancellationToken cancellationToken)
    {
        if (await reader.FindGroupAsync(groupId, cancellationToken) is not { } group)
            return GroupNotFound(groupId);
        var rights = await RightsAsync(actor, cancellationToken);
        if (!rights.CanManage(group) && !rights.IsMember(group.Id))
            return new Failure.Forbidden($"Only members and managers of {group.Path} see its members.");
        var members = await directory.ListMembershipsAsync(group.Id, page, cancellationToken);
        return new Page<Versioned<Membership>>([.. members.Items.Select(Version)], members.Next);
    }

    /// <summary>The community ids of the group's members now (effective memberships), for members and managers.</summary>
    public async Task<Outcome<IReadOnlyList<string>>> EffectiveMembersAsync(ManagementActor actor, string groupId, CancellationToken cancellationToken)
    {
        var ids = new List<string>();
        var page = PageRequest.First(PageRequest.MaxSize);
        var now = time.GetUtcNow();
        while (true)
        {
            var listed = await ListMembersAsync(actor, groupId, page, cancellationToken);
            if (listed is not Outcome<Page<Versioned<Membership>>>.Ok { Value: var members })
                return ((Outcome<Page<Versioned<Membership>>>.Failed)listed).Failure;
            ids.AddRange(members.Items.Where(m => MembershipLifecycle.IsEffective(m.Value, now)).Select(m => m.Value.AccountId));
            if (members.Next is null)
                return ids;
            page = new PageRequest(PageRequest.MaxSize, members.Next);
        }
    }

    /// <summary>The id of the group at a display path (<c>/pan/ess/team</c>), or null; whether the caller may see it is decided by the command that follows.</summary>
    public async Task<string?> GroupIdByPathAsync(string displayPath, CancellationToken cancellationToken)
    {
        try
        {
            return (await directory.FindGroupByPathAsync(GroupPath.Parse(displayPath), cancellationToken))?.Id;
        }
        catch (Exception exception) when (exception is FormatException or ArgumentException)
        {
            return null;
        }
    }

    public async Task<Outcome<Versioned<Membership>>> GetMembershipAsync(
        ManagementActor actor, string groupId, string accountId, CancellationToken cancellationToken)
    {
        if (await reader.FindGroupAsync(groupId, cancellationToken) is not { } group)
            return GroupNotFound(groupId);
        var rights = await RightsAsync(actor, cancellationToken);
        if (!rights.CanManage(group) && !rights.IsMember(group.Id) && actor.AccountId != accountId)
            return new Failure.Forbidden($"Only members and managers of {group.Path} see its members.");
        return await directory.FindMembershipAsync(groupId, accountId, cancellationToken) is { } membership
            ? Version(membership)
            : MembershipNotFound(group, accountId);
    }

    /// <summary>
    /// Adds a person (by community id or the exact e-mail address of a known account). In a
    /// proposal's team group the person joins the proposal's team (the team group follows it);
    /// elsewhere an active membership starts (now, or at the given start).
    /// </summary>
    public async Task<Outcome<Versioned<Membership>>> AddMemberAsync(
        ManagementActor actor, string groupId, AddMember command, CancellationToken cancellationToken)
    {
        var (group, failure) = await ManagedGroupAsync(actor, groupId, cancellationToken);
        if (failure is not null)
            return failure;
        var problems = new List<ManagementProblem>();
        var roles = Roles(command.Roles, "roles", problems);
        var accountId = await ResolveAsync(command.Person, problems, cancellationToken);
        var now = time.GetUtcNow();
        if (command.End is { } end && end <= (command.Start ?? now))
            problems.Add(new("end", ManagementProblemCodes.InvalidDates, "The end is after the start (and after now)."));
        if (group!.Kind == GroupKind.Proposal && (command.Start is not null || command.End is not null))
            problems.Add(new("start", ManagementProblemCodes.FollowsSchedule, "A proposal team's dates follow its beamtime sessions; change the sessions instead."));
        if (problems.Count > 0)
            return new Failure.Invalid(problems);

        var existing = await directory.FindMembershipAsync(group.Id, accountId!, cancellationToken);
        if (existing is not null && existing.Status != MembershipStatus.Expired && (existing.End is not { } ended || ended > now))
            return new Failure.Conflict($"{accountId} is a member of {group.Path} already; change that membership instead.", PreconditionFailed: false);

        if (group.Kind == GroupKind.Proposal)
            return await ChangeTeamAsync(actor, group, accountId!, team => [.. team, new TeamMember(accountId!, roles)], cancellationToken);
        var added = new Membership(group.Id, accountId!, roles, command.Start ?? now, command.End, MembershipStatus.Active);
        await writer.SaveAsync(GroupChanges.Of(new MembershipChange(existing, added)), actor.AuditName, cancellationToken);
        return Version(added);
    }

    /// <summary>Changes roles, the end date (extend, shorten, open-ended) or suspends / resumes a membership.</summary>
    public async Task<Outcome<Versioned<Membership>>> ChangeMembershipAsync(
        ManagementActor actor, string groupId, string accountId, ChangeMembership command, string? ifMatch, CancellationToken cancellationToken)
    {
        var (group, failure) = await ManagedGroupAsync(actor, groupId, cancellationToken);
        if (failure is not null)
            return failure;
        if (await directory.FindMembershipAsync(group!.Id, accountId, cancellationToken) is not { } membership)
            return MembershipNotFound(group, accountId);
        if (Precondition(ifMatch, GroupAudit.Version(membership)) is { } stale)
            return stale;
        if (membership.Status == MembershipStatus.Expired)
            return new Failure.Conflict($"The membership of {accountId} in {group.Path} has been ended; add the person again instead.", PreconditionFailed: false);

        var problems = new List<ManagementProblem>();
        var roles = command.Roles is null ? membership.Roles : Roles(command.Roles, "roles", problems);
        if (command.End is { End: { } end } && end <= (membership.Start ?? DateTimeOffset.MinValue))
            problems.Add(new("end", ManagementProblemCodes.InvalidDates, "The end is after the membership's start."));
        if (group.Kind == GroupKind.Proposal && command.End is not null)
            problems.Add(new("end", ManagementProblemCodes.FollowsSchedule, "A proposal team's dates follow its beamtime sessions; change the sessions instead."));
        if (problems.Count > 0)
            return new Failure.Invalid(problems);

        var after = membership with
        {
            Roles = roles,
            End = command.End is { } changed ? changed.End : membership.End,
            Status = command.Suspended switch
            {
                true => MembershipStatus.Suspended,
                false when membership.Status == MembershipStatus.Suspended => MembershipStatus.Active,
                _ => membership.Status,
            },
        };
        if (group.Kind == GroupKind.Proposal && after.Roles != membership.Roles)
        {
            // Roles on a proposal's team are the proposal's: change the team, suspension stays with the membership.
            var teamChanged = await ChangeTeamAsync(actor, group, accountId,
                team => [.. team.Select(member => member.AccountId == accountId ? member with { Roles = roles } : member)], cancellationToken);
            if (teamChanged is not Outcome<Versioned<Membership>>.Ok || after.Status == membership.Status)
                return teamChanged;
            membership = await directory.FindMembershipAsync(group.Id, accountId, cancellationToken) ?? membership;
            after = membership with { Status = after.Status };
        }
        if (after != membership)
            await writer.SaveAsync(GroupChanges.Of(new MembershipChange(membership, after)), actor.AuditName, cancellationToken);
        return Version(after);
    }

    /// <summary>A manager removes a member: the membership ends now (kept, expired); in a proposal's team group the person leaves the team.</summary>
    public async Task<Outcome<Versioned<Membership>>> RemoveMemberAsync(
        ManagementActor actor, string groupId, string accountId, string? ifMatch, CancellationToken cancellationToken)
    {
        var (group, failure) = await ManagedGroupAsync(actor, groupId, cancellationToken);
        if (failure is not null)
            return failure;
        return await EndAsync(actor, group!, accountId, ifMatch, cancellationToken);
    }

    /// <summary>A member leaves a group themselves.</summary>
    public async Task<Outcome<Versioned<Membership>>> LeaveAsync(ManagementActor actor, string groupId, CancellationToken cancellationToken)
    {
        if (actor.AccountId is not { } self)
            return new Failure.Forbidden("Only a person can leave a group.");
        return await reader.FindGroupAsync(groupId, cancellationToken) is { } group
            ? await EndAsync(actor, group, self, ifMatch: null, cancellationToken)
            : GroupNotFound(groupId);
    }

    private async Task<Outcome<Versioned<Membership>>> EndAsync(
        ManagementActor actor, Group group, string accountId, string? ifMatch, CancellationToken cancellationToken)
    {
        if (await directory.FindMembershipAsync(group.Id, accountId, cancellationToken) is not { } membership)
            return MembershipNotFound(group, accountId);
        if (Precondition(ifMatch, GroupAudit.Version(membership)) is { } stale)
            return stale;
        if (membership.Status == MembershipStatus.Expired)
            return Version(membership);
        if (group.Kind == GroupKind.Proposal)
            return await ChangeTeamAsync(actor, group, accountId, team => [.. team.Where(member => member.AccountId != accountId)], cancellationToken);
        var ended = MembershipLifecycle.End(membership, time.GetUtcNow());
        await writer.SaveAsync(GroupChanges.Of(new MembershipChange(membership, ended)), actor.AuditName, cancellationToken);
        return Version(ended);
    }

    /// <summary>Changes the team of the proposal whose team group this is, and returns the person's membership as the store left it.</summary>
    private async Task<Outcome<Versioned<Membership>>> ChangeTeamAsync(
        ManagementActor actor, Group teamGroup, string accountId, Func<IReadOnlyList<TeamMember>, IEnumerable<TeamMember>> change,
        CancellationToken cancellationToken)
    {
        if (await directory.FindProposalByTeamGroupAsync(teamGroup.Id, cancellationToken) is not { } stored)
            return new Failure.Conflict($"{teamGroup.Path} is a proposal group without its proposal.", PreconditionFailed: false);
        var before = stored.Proposal;
        var after = Proposal.Create(before.FacilityCode, before.Id, before.Title, change(before.Team), before.Sessions, before.Embargo);
        if (after != before)
            await writer.SaveAsync(GroupChanges.Of(new ProposalChange(before, after)), actor.AuditName, cancellationToken);
        return await directory.FindMembershipAsync(teamGroup.Id, accountId, cancellationToken) is { } membership
            ? Version(membership)
            : MembershipNotFound(teamGroup, accountId);
    }

    // ---- Shared rules ----

    private async Task<ManagementRights> RightsAsync(ManagementActor actor, CancellationToken cancellationToken)
    {
        var person = actor.AccountId is { } accountId ? await reader.LoadPersonAsync(accountId, cancellationToken) : null;
        var isPlatformAdmin = options.Value.Groups.IsPlatformAdmin(actor.AccountId);
        return new ManagementRights(actor, person, isPlatformAdmin, facilities, time.GetUtcNow());
    }

    private async Task<(Group? Group, Failure? Failure)> ManagedGroupAsync(ManagementActor actor, string groupId, CancellationToken cancellationToken)
    {
        if (await reader.FindGroupAsync(groupId, cancellationToken) is not { } group)
            return (null, GroupNotFound(groupId));
        return (await RightsAsync(actor, cancellationToken)).CanManage(group)
            ? (group, null)
            : (null, new Failure.Forbidden($"You do not manage {group.Path}."));
    }

    private async Task<string?> ResolveAsync(PersonReference person, List<ManagementProblem> problems, CancellationToken cancellationToken)
    {
        switch (person)
        {
            case { CommunityId: { } communityId, Email: null }:
                if (await directory.FindPersonAsync(communityId, cancellationToken) is not null)
                    return communityId;
                problems.Add(new("community_id", ManagementProblemCodes.UnknownPerson, $"No account has the community id '{communityId}'."));
                return null;
            case { CommunityId: null, Email: { } email }:
                var found = await directory.FindPeopleByEmailAsync(email, cancellationToken);
                if (found.Count == 1)
                    return found[0].AccountId;
                problems.Add(found.Count == 0
                    ? new("email", ManagementProblemCodes.UnknownPerson, $"No account is known by '{email}': invite the person instead.")
                    : new("email", ManagementProblemCodes.AmbiguousPerson, $"'{email}' belongs to more than one account: name the person by community id."));
                return null;
            default:
                problems.Add(new("person", ManagementProblemCodes.Required, "Name the person by exactly one of community_id and email."));
                return null;
        }
    }

    private RoleSet Roles(IReadOnlyList<string> names, string field, List<ManagementProblem> problems)
    {
        var unknown = names.Where(name => !_roles.IsKnown(name)).ToList();
        if (unknown.Count == 0)
            return RoleSet.Of(names);
        problems.Add(new(field, ManagementProblemCodes.UnknownRole, $"Unknown role(s): {string.Join(", ", unknown)}."));
        return RoleSet.None;
    }

    private static void CheckDescription(string description, List<ManagementProblem> problems)
    {
        if (description.Length > MaxDescriptionLength)
            problems.Add(new("description", ManagementProblemCodes.TooLong, $"A description has at most {MaxDescriptionLength} characters."));
    }

    private static Failure? Precondition(string? ifMatch, string current) =>
        ifMatch is null || ifMatch == current
            ? null
            : new Failure.Conflict("The object has changed since you read it: read it again and repeat the change.", PreconditionFailed: true);

    private static Failure GroupNotFound(string groupId) => new Failure.NotFound($"No group has the id '{groupId}'.");

    private static Failure MembershipNotFound(Group group, string accountId) =>
        new Failure.NotFound($"{accountId} has no membership in {group.Path}.");

    private static Versioned<Group> Version(Group group) => new(group, GroupAudit.Version(group));

    private static Versioned<Membership> Version(Membership membership) => new(membership, GroupAudit.Version(membership));
}
