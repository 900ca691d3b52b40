using AaiProxy.Data;
using AaiProxy.Groups;
using AaiProxy.Groups.Management;
using AaiProxy.Server.Groups.Management;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using static AaiProxy.Server.Tests.Groups.GroupAdministrationFixture;

namespace AaiProxy.Server.Tests.Groups;

/// <summary>The group management service on the real test database (SQLite, or PostgreSQL through test.sh).</summary>
public sealed class GroupAdministrationTests(GroupAdministrationFixture fixture) : IClassFixture<GroupAdministrationFixture>
{
    private static readonly CancellationToken None = CancellationToken.None;

    [Fact]
    public async Task Manager_of_group_A_is_forbidden_to_change_or_list_group_B()
    {
        var manager = await fixture.PersonAsync("manager-a");
        var (teamA, teamB) = (await fixture.TeamAsync("team-a", manager), await fixture.TeamAsync("team-b"));
        var member = await fixture.PersonAsync("member");
        var actor = ManagementActor.Person(manager);

        Ok(await fixture.CallAsync(admin => admin.AddMemberAsync(actor, teamA.Id, new AddMember(new(member, null), [], null, null), None)));

        Failed<Versioned<Membership>, Failure.Forbidden>(await fixture.CallAsync(admin => admin.AddMemberAsync(actor, teamB.Id, new AddMember(new(member, null), [], null, null), None)));
        Failed<Versioned<Group>, Failure.Forbidden>(await fixture.CallAsync(admin => admin.UpdateGroupAsync(actor, teamB.Id, new UpdateGroup("mine now", GroupVisibility.Public), null, None)));
        Failed<Deleted, Failure.Forbidden>(await fixture.CallAsync(admin => admin.DeleteGroupAsync(actor, teamB.Id, null, None)));
        Failed<Page<Versioned<Membership>>, Failure.Forbidden>(await fixture.CallAsync(admin => admin.ListMembersAsync(actor, teamB.Id, PageRequest.First(10), None)));
        Failed<Versioned<Group>, Failure.Forbidden>(await fixture.CallAsync(admin => admin.CreateGroupAsync(actor, new CreateGroup(teamB.Id, "sub", "", GroupVisibility.Members), None)));
        var listed = Ok(await fixture.CallAsync(admin => admin.ListGroupsAsync(actor, PageRequest.First(10), None)));
        Assert.Equal([teamA.Id], listed.Items.Select(group => group.Value.Id));
    }

    [Fact]
    public async Task User_office_client_manages_its_facility_subtree_and_nothing_above_it()
    {
        var facility = await fixture.FacilityGroupAsync();
        var created = Ok(await fixture.CallAsync(admin => admin.CreateGroupAsync(DemoUserOffice, new CreateGroup(facility.Id, $"uo-{Guid.NewGuid():N}"[..20], "", GroupVisibility.Community), None)));

        Assert.Equal(GroupKind.Team, created.Value.Kind);
        Failed<Versioned<Group>, Failure.Forbidden>(await fixture.CallAsync(admin => admin.CreateGroupAsync(DemoUserOffice, new CreateGroup(facility.ParentId!, "community-team", "", GroupVisibility.Community), None)));
    }

    [Fact]
    public async Task Every_change_is_audited_with_actor_object_and_before_and_after()
    {
        var manager = await fixture.PersonAsync("audit-manager");
        var team = await fixture.TeamAsync("audited", manager);
        var member = await fixture.PersonAsync("audit-member");
        var actor = ManagementActor.Person(manager);

        var added = Ok(await fixture.CallAsync(admin => admin.AddMemberAsync(actor, team.Id, new AddMember(new(member, null), [], null, null), None)));
        Ok(await fixture.CallAsync(admin => admin.ChangeMembershipAsync(actor, team.Id, member, new ChangeMembership([GroupRoles.DataAccess], null, null), added.Version, None)));
        Ok(await fixture.CallAsync(admin => admin.RemoveMemberAsync(actor, team.Id, member, null, None)));

        var events = await AuditAsync($"membership:{team.Id}/{member}");
        Assert.Equal(["membership.added", "membership.updated", "membership.ended"], events.Select(e => e.Action));
        Assert.All(events, e => Assert.Equal($"account:{manager}", e.Actor));
        Assert.Contains("\"before.roles\":\"member\"", events[1].Details);
        Assert.Contains("\"roles\":\"member,data-access\"", events[1].Details);
        Assert.Contains("\"status\":\"expired\"", events[2].Details);
        Assert.Equal(["group.created"], (await AuditAsync($"group:{team.Id}")).Select(e => e.Action));
    }

    [Fact]
    public async Task Change_with_a_stale_version_is_a_failed_precondition_and_changes_nothing()
    {
        var team = await fixture.TeamAsync("versioned");
        var stale = Ok(await fixture.CallAsync(admin => admin.GetGroupAsync(PlatformAdmin, team.Id, None))).Version;
        Ok(await fixture.CallAsync(admin => admin.UpdateGroupAsync(PlatformAdmin, team.Id, new UpdateGroup("first", GroupVisibility.Members), stale, None)));

        var conflict = Failed<Versioned<Group>, Failure.Conflict>(await fixture.CallAsync(admin =>
            admin.UpdateGroupAsync(PlatformAdmin, team.Id, new UpdateGroup("second", GroupVisibility.Public), stale, None)));

        Assert.True(conflict.PreconditionFailed);
        Assert.Equal("first", Ok(await fixture.CallAsync(admin => admin.GetGroupAsync(PlatformAdmin, team.Id, None))).Value.Description);
    }

    [Fact]
    public async Task Suspended_and_shortened_memberships_stop_counting_and_an_extension_brings_it_back()
    {
        var team = await fixture.TeamAsync("lifecycle");
        var member = await fixture.PersonAsync("lifecycle-member");
        var now = DateTimeOffset.UtcNow;
        Ok(await fixture.CallAsync(admin => admin.AddMemberAsync(PlatformAdmin, team.Id, new AddMember(new(member, null), [], null, now.AddDays(1)), None)));
        Assert.Contains(team.Id, await EffectiveGroupsAsync(member));

        Ok(await fixture.CallAsync(admin => admin.ChangeMembershipAsync(PlatformAdmin, team.Id, member, new ChangeMembership(null, null, Suspended: true), null, None)));
        Assert.DoesNotContain(team.Id, await EffectiveGroupsAsync(member));

        var resumed = Ok(await fixture.CallAsync(admin => admin.ChangeMembershipAsync(PlatformAdmin, team.Id, member, new ChangeMembership(null, new EndDate(now.AddDays(400)), Suspended: false), null, None)));
        Assert.Equal((MembershipStatus.Active, now.AddDays(400)), (resumed.Value.Status, resumed.Value.End));
        Assert.Contains(team.Id, await EffectiveGroupsAsync(member));
    }

    [Fact]
    public async Task A_member_leaves_a_group_themselves()
    {
        var team = await fixture.TeamAsync("leaving");
        var member = await fixture.PersonAsync("leaver");
        Ok(await fixture.CallAsync(admin => admin.AddMemberAsync(PlatformAdmin, team.Id, new AddMember(new(member, null), [], null, null), None)));

        var left = Ok(await fixture.CallAsync(admin => admin.LeaveAsync(ManagementActor.Person(member), team.Id, None)));

        Assert.Equal(MembershipStatus.Expired, left.Value.Status);
        Assert.DoesNotContain(team.Id, await EffectiveGroupsAsync(member));
        Assert.Equal($"account:{member}", Assert.Single(await AuditAsync($"membership:{team.Id}/{member}"), e => e.Action == "membership.ended").Actor);
    }

    [Fact]
    public async Task Adding_by_exact_email_finds_the_known_account_and_an_unknown_address_is_invalid()
    {
        var team = await fixture.TeamAsync("by-email");
        var email = $"Known.{Guid.NewGuid():N}@Example.org";
        var person = await fixture.PersonAsync("known", email);

        var added = Ok(await fixture.CallAsync(admin => admin.AddMemberAsync(PlatformAdmin, team.Id, new AddMember(new(null, email.ToLowerInvariant()), [], null, null), None)));
        var unknown = Failed<Versioned<Membership>, Failure.Invalid>(await fixture.CallAsync(admin =>
            admin.AddMemberAsync(PlatformAdmin, team.Id, new AddMember(new(null, "nobody-" + email), [], null, null), None)));

        Assert.Equal(person, added.Value.AccountId);
        Assert.Equal(ManagementProblemCodes.UnknownPerson, Assert.Single(unknown.Problems).Code);
    }

    [Fact]
    public async Task Only_facility_and_platform_admins_search_people_by_name_managers_look_up_exact_addresses()
    {
        var manager = await fixture.PersonAsync("searching-manager");
        await fixture.TeamAsync("search", manager);
        var email = $"findme-{Guid.NewGuid():N}@example.org";
        var person = await fixture.PersonAsync("findme", email);

        var byEmail = Ok(await fixture.CallAsync(admin => admin.FindPeopleAsync(ManagementActor.Person(manager), new PersonQuery(email, null, null), None)));
        Failed<IReadOnlyList<PersonSummary>, Failure.Forbidden>(await fixture.CallAsync(admin => admin.FindPeopleAsync(ManagementActor.Person(manager), new PersonQuery(null, null, "findme"), None)));
        var byName = Ok(await fixture.CallAsync(admin => admin.FindPeopleAsync(DemoUserOffice, new PersonQuery(null, null, "findme"), None)));
        Failed<IReadOnlyList<PersonSummary>, Failure.Forbidden>(await fixture.CallAsync(admin => admin.FindPeopleAsync(ManagementActor.Person(person), new PersonQuery(email, null, null), None)));

        Assert.Equal([person], byEmail.Select(p => p.AccountId));
        Assert.Contains(person, byName.Select(p => p.AccountId));
    }

    [Fact]
    public async Task Proposal_team_changes_through_its_group_and_only_facility_admins_shorten_the_embargo()
    {
        var (pi, colleague) = (await fixture.PersonAsync("pi"), await fixture.PersonAsync("colleague"));
        var id = $"DEMO-2031-{Random.Shared.Next(100, 999)}";
        // Access starts 30 days before the first session: the PI's membership counts from now.
        var start = new DateTimeOffset(DateTimeOffset.UtcNow.Date.AddDays(10), TimeSpan.Zero);
        var sessions = new[] { new BeamtimeSession("BL01", start, start.AddDays(2)) };
        var (requested, extension, shortening) = (start.AddYears(4), start.AddYears(5), start.AddYears(2));
        var created = Ok(await fixture.CallAsync(admin => admin.CreateProposalAsync(DemoUserOffice, "demo", id,
            new ProposalInput("Proposal by API", sessions, [new(pi, [GroupRoles.PrincipalInvestigator])]), requested, None)));
        var key = created.Value.Proposal.Key;
        Assert.Equal(requested, created.Value.EmbargoEnd);

        var piActor = ManagementActor.Person(pi);
        Ok(await fixture.CallAsync(admin => admin.AddMemberAsync(piActor, created.Value.TeamGroupId, new AddMember(new(colleague, null), [GroupRoles.CoProposer], null, null), None)));
        var extended = Ok(await fixture.CallAsync(admin => admin.ChangeEmbargoAsync(piActor, key, extension, null, None)));
        Failed<Versioned<ProposalView>, Failure.Forbidden>(await fixture.CallAsync(admin => admin.ChangeEmbargoAsync(piActor, key, shortening, null, None)));
        var shortened = Ok(await fixture.CallAsync(admin => admin.ChangeEmbargoAsync(DemoUserOffice, key, shortening, extended.Version, None)));
        Failed<Deleted, Failure.Forbidden>(await fixture.CallAsync(admin => admin.DeleteProposalAsync(piActor, key, null, None)));

        Assert.Equal(new[] { colleague, pi }.Order(StringComparer.Ordinal), extended.Value.Proposal.Team.Select(m => m.AccountId));
        Assert.Equal(new EmbargoOverride(shortening, Shortened: true), shortened.Value.Proposal.Embargo);
        Assert.Contains(key, (await fixture.CallAsync(admin => admin.MyProposalsAsync(ManagementActor.Person(colleague), None))).Select(p => p.Proposal.Key));
        Assert.Equal(["proposal.created", "proposal.updated", "proposal.updated", "proposal.updated"], (await AuditAsync($"proposal:{key}")).Select(e => e.Action));

        Ok(await fixture.CallAsync(admin => admin.DeleteProposalAsync(DemoUserOffice, key, null, None)));
        Assert.DoesNotContain(created.Value.TeamGroupId, await EffectiveGroupsAsync(colleague));
    }

    [Fact]
    public async Task Facility_user_ids_are_set_moved_and_removed_by_the_facility_admins_only()
    {
        var (first, second) = (await fixture.PersonAsync("fuid-1"), await fixture.PersonAsync("fuid-2"));
        var userId = $"u{Random.Shared.Next(100000, 999999)}";

        var set = Ok(await fixture.CallAsync(admin => admin.SetFacilityUserIdAsync(DemoUserOffice, "demo", userId, first, null, None)));
        Failed<Versioned<FacilityUserId>, Failure.Forbidden>(await fixture.CallAsync(admin => admin.SetFacilityUserIdAsync(ManagementActor.Person(first), "demo", userId, first, null, None)));
        var moved = Ok(await fixture.CallAsync(admin => admin.SetFacilityUserIdAsync(DemoUserOffice, "demo", userId, second, set.Version, None)));
        Ok(await fixture.CallAsync(admin => admin.DeleteFacilityUserIdAsync(DemoUserOffice, "demo", userId, moved.Version, None)));

        Failed<Versioned<FacilityUserId>, Failure.NotFound>(await fixture.CallAsync(admin => admin.GetFacilityUserIdAsync(DemoUserOffice, "demo", userId, None)));
        Assert.Equal(["facility_user_id.set", "facility_user_id.set", "facility_user_id.removed"], (await AuditAsync($"facility_user_id:demo/{userId}")).Select(e => e.Action));
    }

    [Fact]
    public async Task Group_listing_is_paged_in_path_order_without_gaps_or_repeats()
    {
        var manager = await fixture.PersonAsync("pager");
        var parent = await fixture.TeamAsync("paged", manager);
        var actor = ManagementActor.Person(manager);
        foreach (var name in new[] { "c", "a", "e", "b", "d" })
            Ok(await fixture.CallAsync(admin => admin.CreateGroupAsync(actor, new CreateGroup(parent.Id, name, "", GroupVisibility.Members), None)));

        var seen = new List<string>();
        string? after = null;
        do
        {
            var page = Ok(await fixture.CallAsync(admin => admin.ListGroupsAsync(actor, new PageRequest(2, after), None)));
            seen.AddRange(page.Items.Select(group => group.Value.Path.Segments[^1]));
            after = page.Next;
        }
        while (after is not null);

        Assert.Equal([parent.Path.Segments[^1], "a", "b", "c", "d", "e"], seen);
    }

    [Fact]
    public async Task Deleting_a_group_with_sub_groups_is_a_conflict_and_facility_groups_are_never_deleted()
    {
        var parent = await fixture.TeamAsync("parent");
        Ok(await fixture.CallAsync(admin => admin.CreateGroupAsync(PlatformAdmin, new CreateGroup(parent.Id, "child", "", GroupVisibility.Members), None)));
        var facility = await fixture.FacilityGroupAsync();

        Assert.False(Failed<Deleted, Failure.Conflict>(await fixture.CallAsync(admin => admin.DeleteGroupAsync(PlatformAdmin, parent.Id, null, None))).PreconditionFailed);
        Failed<Deleted, Failure.Conflict>(await fixture.CallAsync(admin => admin.DeleteGroupAsync(PlatformAdmin, facility.Id, null, None)));
    }

    private async Task<List<string>> EffectiveGroupsAsync(string accountId)
    {
        var person = await fixture.WithAsync<IGroupReader, PersonGroups>(reader => reader.LoadPersonAsync(accountId, None));
        return [.. MembershipLifecycle.EffectiveAt(person.Memberships, DateTimeOffset.UtcNow).Select(m => m.GroupId)];
    }

    private async Task<List<(string Action, string Actor, string Details)>> AuditAsync(string target)
    {
        using var scope = fixture.Factory.Services.CreateScope();
        var events = await scope.ServiceProvider.GetRequiredService<ProxyDbContext>().AuditEvents.AsNoTracking()
            .Where(e => e.Target == target).OrderBy(e => e.Id).Select(e => new { e.Action, e.Actor, e.Details }).ToListAsync();
        return [.. events.Select(e => (e.Action, e.Actor, e.Details))];
    }
}
