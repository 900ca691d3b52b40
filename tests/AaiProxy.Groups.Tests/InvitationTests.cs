using Microsoft.Extensions.Time.Testing;

namespace AaiProxy.Groups.Tests;

public class InvitationRulesTests
{
    private static readonly DateTimeOffset Now = Fixtures.Now;
    private static readonly ProposalKey Key = new("ess", "20240123");

    private static Invitation ToProposal(InvitationState state = InvitationState.Pending) =>
        new("inv-1", "team-1", Key, "dora@example.org", RoleSet.Of("co-proposer"), "c-alice", Now.AddDays(14), state, null);

    private static Invitation ToGroup() => ToProposal() with { Proposal = null, GroupId = "pan" };

    [Fact]
    public void Puts_the_invitee_on_the_proposals_team_with_the_invited_roles_and_uses_the_invitation_up()
    {
        var proposal = Fixtures.Proposal("20240123", new TeamMember("c-alice", RoleSet.Of("pi")));

        var result = InvitationRules.Accept(ToProposal(), "c-dora", Now, proposal, null);

        Assert.Equal(InvitationOutcome.Accepted, result.Outcome);
        Assert.Equal([new TeamMember("c-alice", RoleSet.Of("pi")), new TeamMember("c-dora", RoleSet.Of("co-proposer"))], result.Proposal!.Team);
        Assert.Equal((InvitationState.Accepted, "c-dora"), (result.Invitation.State, result.Invitation.AcceptedBy));
        Assert.Equal(InvitationOutcome.AlreadyUsed, InvitationRules.Accept(result.Invitation, "c-eve", Now, result.Proposal, null).Outcome);
    }

    [Fact]
    public void Describes_an_acceptance_for_the_audit_log_with_who_accepted()
    {
        var result = InvitationRules.Accept(ToProposal(), "c-dora", Now, Fixtures.Proposal("20240123"), null);

        var entry = GroupAudit.Describe(result);

        Assert.Equal((GroupAuditActions.InvitationAccepted, "invitation:inv-1"), (entry.Action, entry.Target));
        Assert.Equal(("pending", "accepted", "c-dora"), (entry.Before["state"], entry.After["state"], entry.After["accepted_by"]));
    }

    [Fact]
    public void Refuses_an_invitation_from_its_expiry_on()
    {
        var clock = new FakeTimeProvider(Now);
        clock.Advance(TimeSpan.FromDays(14));

        var result = InvitationRules.Accept(ToProposal(), "c-dora", clock.GetUtcNow(), Fixtures.Proposal("20240123"), null);

        Assert.Equal(InvitationOutcome.Expired, result.Outcome);
        Assert.Null(result.Proposal);
        Assert.Equal(InvitationState.Pending, result.Invitation.State);
    }

    [Fact]
    public void Refuses_a_revoked_invitation_and_one_whose_proposal_is_not_given()
    {
        Assert.Equal(InvitationOutcome.Revoked, InvitationRules.Accept(ToProposal(InvitationState.Revoked), "c-dora", Now, Fixtures.Proposal("20240123"), null).Outcome);
        Assert.Equal(InvitationOutcome.ProposalMissing, InvitationRules.Accept(ToProposal(), "c-dora", Now, Fixtures.Proposal("20249999"), null).Outcome);
    }

    [Fact]
    public void Makes_an_active_membership_from_now_for_a_group_invitation_merging_roles_of_a_current_one()
    {
        var fresh = InvitationRules.Accept(ToGroup(), "c-dora", Now, null, null).Membership;
        var merged = InvitationRules.Accept(ToGroup(), "c-dora", Now, null, Fixtures.Active("pan", "c-dora", "manager")).Membership;

        Assert.Equal(new Membership("pan", "c-dora", RoleSet.Of("co-proposer"), Now, null, MembershipStatus.Active), fresh);
        Assert.Equal(RoleSet.Of("co-proposer", "manager"), merged!.Roles);
    }

    [Fact]
    public void Stores_only_a_hash_that_the_token_reproduces_and_no_other_does()
    {
        var (token, hash) = InvitationTokens.Create();

        Assert.Equal(43, token.Length); // 256 bits, base64url without padding
        Assert.Equal(hash, InvitationTokens.Hash(token));
        Assert.NotEqual(hash, InvitationTokens.Hash(InvitationTokens.Create().Token));
        Assert.DoesNotContain(token, hash, StringComparison.Ordinal);
    }
}

public class MembershipEndingTests
{
    private static readonly DateTimeOffset Now = Fixtures.Now;

    [Fact]
    public void Ends_a_membership_now_when_a_member_leaves_and_keeps_an_earlier_end()
    {
        var open = Fixtures.Active("g", "bob");
        var alreadyEnding = open with { End = Now.AddDays(-1) };

        Assert.Equal(open with { Status = MembershipStatus.Expired, End = Now }, MembershipLifecycle.End(open, Now));
        Assert.Equal(Now.AddDays(-1), MembershipLifecycle.End(alreadyEnding, Now).End);
        Assert.False(MembershipLifecycle.IsEffective(MembershipLifecycle.End(open, Now), Now));
    }

    [Fact]
    public void Reminds_about_effective_memberships_ending_within_the_notice_once_per_end()
    {
        var soon = Fixtures.Active("g1", "bob") with { End = Now.AddDays(10) };
        var later = Fixtures.Active("g2", "bob") with { End = Now.AddDays(40) };
        var suspended = soon with { GroupId = "g3", Status = MembershipStatus.Suspended };
        var open = Fixtures.Active("g4", "bob");
        var none = new HashSet<(string, string, DateTimeOffset)>();

        Assert.Equal([soon], MembershipLifecycle.DueForExpiryReminder([soon, later, suspended, open], TimeSpan.FromDays(14), Now, none));
        Assert.Empty(MembershipLifecycle.DueForExpiryReminder([soon], TimeSpan.FromDays(14), Now, new HashSet<(string, string, DateTimeOffset)> { ("g1", "bob", Now.AddDays(10)) }));
    }

    [Fact]
    public void Reminds_again_after_a_renewal_moves_the_end()
    {
        var renewed = Fixtures.Active("g1", "bob") with { End = Now.AddDays(12) };
        var remindedOldEnd = new HashSet<(string, string, DateTimeOffset)> { ("g1", "bob", Now.AddDays(2)) };

        Assert.Equal([renewed], MembershipLifecycle.DueForExpiryReminder([renewed], TimeSpan.FromDays(14), Now, remindedOldEnd));
    }
}
