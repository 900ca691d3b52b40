using Microsoft.Extensions.Time.Testing;

namespace AaiProxy.Groups.Tests;

public class MembershipLifecycleTests
{
    private static readonly DateTimeOffset Now = Fixtures.Now;

    [Theory]
    [InlineData(MembershipStatus.Pending)]
    [InlineData(MembershipStatus.Suspended)]
    [InlineData(MembershipStatus.Expired)]
    public void Never_counts_a_membership_that_is_not_active_whatever_its_dates(MembershipStatus status)
    {
        var membership = Fixtures.Active("g", "alice") with { Status = status, Start = Now.AddDays(-1), End = Now.AddDays(1) };

        Assert.False(MembershipLifecycle.IsEffective(membership, Now));
    }

    [Fact]
    public void Does_not_count_an_active_membership_before_its_start()
    {
        Assert.False(MembershipLifecycle.IsEffective(Fixtures.Active("g", "alice") with { Start = Now.AddTicks(1) }, Now));
    }

    [Fact]
    public void Counts_an_active_membership_from_its_start_inclusive_to_its_end_exclusive()
    {
        var membership = Fixtures.Active("g", "alice") with { Start = Now, End = Now.AddDays(1) };

        Assert.True(MembershipLifecycle.IsEffective(membership, Now));
        Assert.False(MembershipLifecycle.IsEffective(membership, Now.AddDays(1)));
    }

    [Fact]
    public void Counts_an_open_ended_active_membership()
    {
        Assert.True(MembershipLifecycle.IsEffective(Fixtures.Active("g", "alice"), Now));
    }

    [Fact]
    public void An_ended_membership_disappears_once_the_clock_passes_its_end()
    {
        var clock = new FakeTimeProvider(Now);
        var memberships = new[] { Fixtures.Active("g1", "alice") with { End = Now.AddHours(1) }, Fixtures.Active("g2", "alice") };

        Assert.Equal(2, MembershipLifecycle.EffectiveAt(memberships, clock.GetUtcNow()).Count);
        clock.Advance(TimeSpan.FromHours(1));
        Assert.Equal(["g2"], MembershipLifecycle.EffectiveAt(memberships, clock.GetUtcNow()).Select(m => m.GroupId));
    }
}

public class ProposalEmbargoTests
{
    private static readonly Facility Ess = Fixtures.Ess;
    private static readonly DateTimeOffset LastEnd = new(2027, 3, 4, 8, 0, 0, TimeSpan.Zero);

    private static Proposal Scheduled() => Proposal.Create("ess", "20240123", "Strain", [],
    [
        new BeamtimeSession("LOKI", LastEnd.AddDays(-3), LastEnd),
        new BeamtimeSession("ODIN", new DateTimeOffset(2027, 1, 10, 8, 0, 0, TimeSpan.Zero), new DateTimeOffset(2027, 1, 11, 8, 0, 0, TimeSpan.Zero)),
    ]);

    [Fact]
    public void Defaults_the_embargo_end_to_the_last_session_end_plus_the_facility_period()
    {
        Assert.Equal(LastEnd.AddMonths(36), ProposalEmbargo.End(Scheduled(), Ess));
    }

    [Fact]
    public void Keeps_a_proposal_without_sessions_under_embargo()
    {
        var proposal = Proposal.Create("ess", "20240123", "Strain", [], []);

        Assert.Null(ProposalEmbargo.End(proposal, Ess));
        Assert.Equal(EmbargoState.UnderEmbargo, ProposalEmbargo.StateAt(proposal, Ess, DateTimeOffset.MaxValue));
    }

    [Fact]
    public void Opens_the_data_at_the_embargo_end()
    {
        var end = LastEnd.AddMonths(36);

        Assert.Equal(EmbargoState.UnderEmbargo, ProposalEmbargo.StateAt(Scheduled(), Ess, end.AddTicks(-1)));
        Assert.Equal(EmbargoState.Open, ProposalEmbargo.StateAt(Scheduled(), Ess, end));
    }

    [Fact]
    public void Extends_the_embargo_to_a_later_end()
    {
        var later = LastEnd.AddMonths(48);

        var change = ProposalEmbargo.Change(Scheduled(), Ess, later, allowShortening: false);

        Assert.Equal(EmbargoChangeOutcome.Extended, change.Outcome);
        Assert.Equal(later, ProposalEmbargo.End(change.Proposal, Ess));
    }

    [Fact]
    public void Refuses_to_shorten_the_embargo_unless_asked_explicitly()
    {
        var earlier = LastEnd.AddMonths(12);

        var refused = ProposalEmbargo.Change(Scheduled(), Ess, earlier, allowShortening: false);
        var shortened = ProposalEmbargo.Change(Scheduled(), Ess, earlier, allowShortening: true);

        Assert.Equal(EmbargoChangeOutcome.RefusedShortening, refused.Outcome);
        Assert.Null(refused.Proposal.Embargo);
        Assert.Equal(EmbargoChangeOutcome.Shortened, shortened.Outcome);
        Assert.Equal(earlier, ProposalEmbargo.End(shortened.Proposal, Ess));
    }

    [Fact]
    public void An_extension_never_hides_a_later_default_when_sessions_move_later()
    {
        var extended = ProposalEmbargo.Change(Scheduled(), Ess, LastEnd.AddMonths(40), allowShortening: false).Proposal;
        var movedLater = extended with { Sessions = new([Fixtures.Session("LOKI", LastEnd.AddYears(1), 2)]) };

        Assert.Equal(LastEnd.AddYears(1).AddDays(2).AddMonths(36), ProposalEmbargo.End(movedLater, Ess));
    }

    [Fact]
    public void Reports_an_unchanged_embargo_when_the_end_is_the_current_one()
    {
        var change = ProposalEmbargo.Change(Scheduled(), Ess, LastEnd.AddMonths(36), allowShortening: false);

        Assert.Equal(EmbargoChangeOutcome.Unchanged, change.Outcome);
        Assert.Null(change.Proposal.Embargo);
    }

    [Fact]
    public void Starts_team_access_the_lead_time_before_the_first_session()
    {
        Assert.Equal(new DateTimeOffset(2027, 1, 10, 8, 0, 0, TimeSpan.Zero) - TimeSpan.FromDays(14), ProposalEmbargo.TeamAccessStart(Scheduled(), Ess));
    }

    [Fact]
    public void Names_the_team_member_holding_pi_as_principal_investigator()
    {
        var proposal = Fixtures.Proposal("20240123", new TeamMember("bob", RoleSet.Of("co-proposer")), new TeamMember("alice", RoleSet.Of("pi")));

        Assert.Equal("alice", proposal.PrincipalInvestigator);
    }
}

public class FacilityTests
{
    [Theory]
    [InlineData("ess", "20240123", true)]
    [InlineData("ess", "2024012", false)]
    [InlineData("ess", "20240123\n", false)]
    [InlineData("ill", "8-01-418", true)]
    [InlineData("ill", "8-1-418", false)]
    [InlineData("diamond", "MX-2345", true)]
    [InlineData("diamond", "mx-2345", false)]
    [InlineData("diamond", "xMX-2345", false)]
    public void Matches_proposal_ids_against_the_facility_format_whole(string facility, string id, bool valid)
    {
        Assert.Equal(valid, Fixtures.Facilities.Find(facility)!.IsValidProposalId(id));
    }

    [Fact]
    public void Refuses_a_facility_code_configured_twice()
    {
        Assert.Throws<ArgumentException>(() => new FacilityCatalog([Fixtures.Ess, Fixtures.Ess]));
    }
}
