namespace AaiProxy.Groups.Tests;

public class ProposalTeamPlannerTests
{
    private const string Team = "team-20240123";
    private static readonly DateTimeOffset Now = Fixtures.Now;
    private static readonly DateTimeOffset AccessStart = new DateTimeOffset(2027, 3, 1, 8, 0, 0, TimeSpan.Zero) - Fixtures.Ess.AccessLeadTime;

    private static Proposal WithTeam(params TeamMember[] team) => Fixtures.Proposal("20240123", team);

    private static TeamPlan Plan(Proposal proposal, params Membership[] current) =>
        ProposalTeamPlanner.Plan(proposal, Fixtures.Ess, Team, current, Now);

    [Fact]
    public void Adds_every_team_member_from_the_lead_time_before_the_first_session_open_ended()
    {
        var plan = Plan(WithTeam(new TeamMember("alice", RoleSet.Of("pi")), new TeamMember("bob", RoleSet.Of("co-proposer"))));

        Assert.Equal(
        [
            new Membership(Team, "alice", RoleSet.Of("pi"), AccessStart, null, MembershipStatus.Active),
            new Membership(Team, "bob", RoleSet.Of("co-proposer"), AccessStart, null, MembershipStatus.Active),
        ], plan.Adds);
        Assert.Empty(plan.Updates);
        Assert.Empty(plan.Ends);
    }

    [Fact]
    public void Keeps_the_team_pending_while_no_session_is_scheduled()
    {
        var proposal = Proposal.Create("ess", "20240123", "t", [new TeamMember("alice", RoleSet.Of("pi"))], []);

        var added = Assert.Single(Plan(proposal).Adds);

        Assert.Equal(MembershipStatus.Pending, added.Status);
        Assert.Null(added.Start);
    }

    [Fact]
    public void Updates_roles_and_start_when_the_proposal_changes()
    {
        var current = new Membership(Team, "bob", RoleSet.Of("co-proposer"), AccessStart.AddDays(-30), null, MembershipStatus.Active);

        var update = Assert.Single(Plan(WithTeam(new TeamMember("bob", RoleSet.Of("co-proposer", "local-contact"))), current).Updates);

        Assert.Equal(current, update.Before);
        Assert.Equal(RoleSet.Of("co-proposer", "local-contact"), update.After.Roles);
        Assert.Equal(AccessStart, update.After.Start);
    }

    [Fact]
    public void Ends_the_membership_of_someone_no_longer_on_the_team_instead_of_deleting_it()
    {
        var current = new Membership(Team, "carol", RoleSet.None, AccessStart, null, MembershipStatus.Active);

        var ended = Assert.Single(Plan(WithTeam(), current).Ends);

        Assert.Equal(MembershipStatus.Expired, ended.After.Status);
        Assert.Equal(Now, ended.After.End);
    }

    [Fact]
    public void Leaves_a_suspended_member_suspended()
    {
        var current = new Membership(Team, "bob", RoleSet.Of("co-proposer"), AccessStart, null, MembershipStatus.Suspended);

        Assert.True(Plan(WithTeam(new TeamMember("bob", RoleSet.Of("co-proposer"))), current).IsEmpty);
    }

    [Fact]
    public void Reactivates_a_former_member_who_is_back_on_the_team()
    {
        var current = new Membership(Team, "bob", RoleSet.None, AccessStart, Now.AddDays(-1), MembershipStatus.Expired);

        var update = Assert.Single(Plan(WithTeam(new TeamMember("bob", RoleSet.None)), current).Updates);

        Assert.Equal(MembershipStatus.Active, update.After.Status);
        Assert.Null(update.After.End);
    }

    [Fact]
    public void Plans_nothing_once_its_plan_is_applied()
    {
        var proposal = WithTeam(new TeamMember("alice", RoleSet.Of("pi")), new TeamMember("bob", RoleSet.None));
        var current = new[] { new Membership(Team, "carol", RoleSet.None, null, null, MembershipStatus.Active) };

        var first = Plan(proposal, current);
        var applied = first.Adds.Concat(first.Updates.Select(u => u.After)).Concat(first.Ends.Select(u => u.After)).ToArray();

        Assert.False(first.IsEmpty);
        Assert.True(Plan(proposal, applied).IsEmpty);
    }

    [Fact]
    public void Describes_each_change_as_an_audit_entry_with_before_and_after()
    {
        var current = new Membership(Team, "carol", RoleSet.None, AccessStart, null, MembershipStatus.Active);

        var entries = GroupAudit.Describe(Plan(WithTeam(new TeamMember("alice", RoleSet.Of("pi"))), current)).ToList();

        Assert.Equal([GroupAuditActions.MembershipAdded, GroupAuditActions.MembershipEnded], entries.Select(e => e.Action));
        Assert.Equal("member,pi", entries[0].After["roles"]);
        Assert.Empty(entries[0].Before);
        Assert.Equal("active", entries[1].Before["status"]);
        Assert.Equal("expired", entries[1].After["status"]);
    }
}

public class GroupAuthorityTests
{
    private static readonly DateTimeOffset Now = Fixtures.Now;
    private static readonly Group Ess = new("ess", "pan", Fixtures.Ess.Path, GroupKind.Facility, "ESS", GroupVisibility.Public);
    private static readonly Group Proposal = new("p1", "ess", Fixtures.Ess.TeamGroupPath("20240123"), GroupKind.Proposal, "", GroupVisibility.Members);
    private static readonly Group Other = new("p2", "ess", Fixtures.Ess.TeamGroupPath("20240999"), GroupKind.Proposal, "", GroupVisibility.Members);
    private static readonly Group Ill = new("ill", "pan", Fixtures.Ill.Path, GroupKind.Facility, "ILL", GroupVisibility.Public);
    private static readonly Group[] Groups = [Ess, Proposal, Other, Ill];

    private static PersonGroups Actor(params Membership[] memberships) => new(memberships, Groups, []);

    [Fact]
    public void Lets_a_facility_manager_manage_the_facility_subtree_only()
    {
        var fiona = Actor(Fixtures.Active("ess", "fiona", "manager"));

        Assert.True(GroupAuthority.CanManage(fiona, Proposal, Now));
        Assert.False(GroupAuthority.CanManage(fiona, Ill, Now));
    }

    [Fact]
    public void Lets_a_PI_manage_the_own_proposal_but_not_another()
    {
        var alice = Actor(Fixtures.Active("p1", "alice", "pi"));

        Assert.True(GroupAuthority.CanManage(alice, Proposal, Now));
        Assert.False(GroupAuthority.CanManage(alice, Other, Now));
    }

    [Fact]
    public void Denies_a_plain_member_and_a_suspended_manager()
    {
        var bob = Actor(
            Fixtures.Active("p1", "bob", "co-proposer"),
            Fixtures.Active("ess", "bob", "manager") with { Status = MembershipStatus.Suspended });

        Assert.False(GroupAuthority.CanManage(bob, Proposal, Now));
    }
}
