using System.Text.Json;

namespace AaiProxy.Groups.Tests;

public class GroupClaimsShaperTests
{
    private static readonly DateTimeOffset Now = Fixtures.Now;
    private static readonly EntitlementOptions Options = Fixtures.Entitlements();
    private const GroupClaimKinds Both = GroupClaimKinds.EduPersonEntitlement | GroupClaimKinds.Proposals;

    /// <summary>A person on <paramref name="perFacility"/> proposal teams at each facility, one beamtime a day apart (newest last).</summary>
    private static PersonGroups PersonOnTeams(int perFacility, params Facility[] facilities)
    {
        var memberships = new List<Membership>();
        var groups = new List<Group>();
        var proposals = new List<Proposal>();
        var n = 0;
        foreach (var facility in facilities)
        {
            for (var i = 0; i < perFacility; i++, n++)
            {
                var id = facility.Code switch { "ess" => $"2024{i:D4}", "ill" => $"8-{i / 1000 % 10:D2}-{i % 1000:D3}", _ => $"MX-{i:D4}" };
                var start = Now.AddDays(-1000 + n);
                var proposal = Proposal.Create(facility.Code, id, $"Experiment {id}", [new TeamMember("alice", RoleSet.Of("co-proposer"))],
                    [new BeamtimeSession("I1", start + facility.AccessLeadTime, start + facility.AccessLeadTime + TimeSpan.FromDays(2))]);
                var group = new Group($"g{n}", facility.Code, facility.TeamGroupPath(id), GroupKind.Proposal, "", GroupVisibility.Members);
                proposals.Add(proposal);
                groups.Add(group);
                memberships.Add(ProposalTeamPlanner.Desired(proposal, facility, group.Id).Single());
            }
        }
        return new PersonGroups(memberships, groups, proposals);
    }

    private static ShapedGroupClaims Shape(PersonGroups person, ClientGroupPolicy policy, GroupClaimKinds kinds = Both) =>
        GroupClaimsShaper.Shape(PersonAccess.At(person, Fixtures.Facilities, Now), policy, kinds, Options, Fixtures.Facilities);

    // Issue 15, must show 4: a person in 500 groups, a client limited to one facility.
    [Fact]
    public void Gives_a_client_limited_to_one_facility_only_that_facilitys_groups_within_the_budget()
    {
        var person = PersonOnTeams(10, Fixtures.Ess);
        person = person with
        {
            Memberships = [.. person.Memberships, .. PersonOnTeams(245, Fixtures.Ill, Fixtures.Diamond).Memberships.Select(m => m with { GroupId = "x" + m.GroupId })],
            Groups = [.. person.Groups, .. PersonOnTeams(245, Fixtures.Ill, Fixtures.Diamond).Groups.Select(g => g with { Id = "x" + g.Id })],
        };
        Assert.Equal(500, person.Memberships.Count);

        var claims = Shape(person, new ClientGroupPolicy { Facilities = ["ess"] });

        Assert.Equal(20, claims.EduPersonEntitlement.Count);
        Assert.All(claims.EduPersonEntitlement, value => Assert.StartsWith("urn:geant:pan-aai.eu:group:pan:ess:2024", value));
        Assert.Equal(10, claims.Proposals.Count);
        Assert.All(claims.Proposals, p => Assert.Equal("ess", p.Facility));
        Assert.Null(claims.Truncation);
        Assert.True(claims.SerializedBytes <= 4096, $"{claims.SerializedBytes} bytes");
    }

    [Fact]
    public void Cuts_off_the_oldest_grants_at_the_budget_keeps_the_newest_and_reports_it()
    {
        var person = PersonOnTeams(250, Fixtures.Ess, Fixtures.Ill);

        var claims = Shape(person, new ClientGroupPolicy { AllGroups = true });

        Assert.NotNull(claims.Truncation);
        Assert.Equal(500, claims.Truncation.KeptGrants + claims.Truncation.OmittedGrants);
        Assert.InRange(claims.SerializedBytes, 1, 4096);
        // The newest beamtime (the last ILL proposal) comes first; kept grants form an unbroken run of the newest.
        Assert.Equal("8-00-249", claims.Proposals[0].Id);
        Assert.Equal(claims.Truncation.KeptGrants, claims.Proposals.Count);
        Assert.Equal($"8-00-{250 - claims.Truncation.KeptGrants:D3}", claims.Proposals[^1].Id);
    }

    [Fact]
    public void Keeps_the_community_and_facility_memberships_when_proposals_are_cut_off()
    {
        var person = PersonOnTeams(300, Fixtures.Ess);
        person = person with
        {
            Memberships = [.. person.Memberships, Fixtures.Active("pan", "alice"), Fixtures.Active("ess", "alice", "manager")],
            Groups =
            [
                .. person.Groups,
                new Group("pan", null, Fixtures.Community, GroupKind.Community, "", GroupVisibility.Public),
                new Group("ess", "pan", Fixtures.Ess.Path, GroupKind.Facility, "", GroupVisibility.Public),
            ],
        };

        var claims = Shape(person, new ClientGroupPolicy { AllGroups = true });

        Assert.NotNull(claims.Truncation);
        Assert.Equal(
        [
            "urn:geant:pan-aai.eu:group:pan:role=member#proxy.pan-aai.eu",
            "urn:geant:pan-aai.eu:group:pan:ess:role=member#proxy.pan-aai.eu",
            "urn:geant:pan-aai.eu:group:pan:ess:role=manager#proxy.pan-aai.eu",
        ], claims.EduPersonEntitlement.Take(3));
    }

    [Fact]
    public void Releases_exactly_the_largest_ranked_prefix_that_fits_the_budget()
    {
        var person = PersonOnTeams(100, Fixtures.Ess);
        var claims = Shape(person, new ClientGroupPolicy { AllGroups = true, ByteBudget = 2000 });

        var oneMore = Shape(person, new ClientGroupPolicy { AllGroups = true, ByteBudget = claims.SerializedBytes - 1 });

        Assert.True(claims.SerializedBytes <= 2000);
        Assert.Equal(claims.Truncation!.KeptGrants - 1, oneMore.Truncation!.KeptGrants);
    }

    [Fact]
    public void Shapes_the_same_grants_the_same_way_whatever_their_input_order()
    {
        var person = PersonOnTeams(120, Fixtures.Ess);
        var reversed = person with { Memberships = [.. person.Memberships.Reverse()] };
        var policy = new ClientGroupPolicy { AllGroups = true };

        Assert.Equal(Shape(person, policy).ToJson().ToJsonString(), Shape(reversed, policy).ToJson().ToJsonString());
    }

    [Fact]
    public void Releases_nothing_to_a_client_without_a_group_policy()
    {
        var claims = Shape(PersonOnTeams(3, Fixtures.Ess), ClientGroupPolicy.None);

        Assert.Empty(claims.ToJson());
    }

    [Fact]
    public void Releases_groups_under_an_allowed_prefix_only()
    {
        var person = PersonOnTeams(2, Fixtures.Ess, Fixtures.Ill);

        var claims = Shape(person, new ClientGroupPolicy { GroupPrefixes = [Fixtures.Ill.Path] });

        Assert.Equal(["8-00-001", "8-00-000"], claims.Proposals.Select(p => p.Id));
    }

    [Fact]
    public void Leaves_out_pending_suspended_expired_and_not_yet_started_memberships()
    {
        var person = PersonOnTeams(5, Fixtures.Ess);
        var m = person.Memberships;
        person = person with
        {
            Memberships =
            [
                m[0] with { Status = MembershipStatus.Pending },
                m[1] with { Status = MembershipStatus.Suspended },
                m[2] with { Status = MembershipStatus.Expired },
                m[3] with { Start = Now.AddDays(1) },
                m[4],
            ],
        };

        var claims = Shape(person, new ClientGroupPolicy { AllGroups = true });

        Assert.Equal([person.Proposals[4].Id], claims.Proposals.Select(p => p.Id));
    }

    [Fact]
    public void Writes_the_proposals_claim_as_facility_id_roles_and_embargo_end()
    {
        var claims = Shape(PersonOnTeams(1, Fixtures.Ess), new ClientGroupPolicy { Facilities = ["ess"] });

        var json = claims.ToJson().ToJsonString();
        var embargoEnd = ProposalEmbargo.End(PersonOnTeams(1, Fixtures.Ess).Proposals[0], Fixtures.Ess)!.Value;
        Assert.Contains(
            $$"""
            "proposals":[{"facility":"ess","id":"20240000","roles":["member","co-proposer"],"embargo_end":"{{embargoEnd.UtcDateTime:yyyy-MM-dd'T'HH:mm:ss'Z'}}"}]
            """.Trim(), json);
    }

    [Fact]
    public void Leaves_out_claims_whose_scope_was_not_requested()
    {
        var claims = Shape(PersonOnTeams(2, Fixtures.Ess), new ClientGroupPolicy { AllGroups = true }, GroupClaimKinds.Proposals);

        Assert.Empty(claims.EduPersonEntitlement);
        Assert.Equal(2, claims.Proposals.Count);
    }

    [Theory]
    [InlineData(PlainGroupsValueForm.ProposalId, "20240001")]
    [InlineData(PlainGroupsValueForm.GroupPath, "/pan/ess/20240001")]
    [InlineData(PlainGroupsValueForm.Entitlement, "urn:geant:pan-aai.eu:group:pan:ess:20240001:role=member#proxy.pan-aai.eu")]
    public void Writes_the_plain_groups_claim_under_its_configured_name_and_form(PlainGroupsValueForm form, string first)
    {
        var policy = new ClientGroupPolicy { AllGroups = true, PlainGroups = new PlainGroupsClaim("accessGroups", form) };

        var json = JsonDocument.Parse(Shape(PersonOnTeams(2, Fixtures.Ess), policy, GroupClaimKinds.None).ToJson().ToJsonString()).RootElement;

        Assert.Equal(first, json.GetProperty("accessGroups")[0].GetString());
        Assert.Equal(2, json.GetProperty("accessGroups").GetArrayLength());
        Assert.False(json.TryGetProperty(GroupClaimNames.EduPersonEntitlement, out _));
    }

    [Fact]
    public void Gives_no_proposal_id_for_a_group_that_is_no_proposals_team()
    {
        var community = new Group("c", null, Fixtures.Community, GroupKind.Community, "", GroupVisibility.Public);
        var person = new PersonGroups([Fixtures.Active("c", "alice")], [community], []);
        var policy = new ClientGroupPolicy { AllGroups = true, PlainGroups = new PlainGroupsClaim("groups_plain", PlainGroupsValueForm.ProposalId) };

        var claims = Shape(person, policy);

        Assert.Empty(claims.PlainGroupValues);
        Assert.Equal(["urn:geant:pan-aai.eu:group:pan:role=member#proxy.pan-aai.eu"], claims.EduPersonEntitlement);
    }

    // RFC 9068 §2.2.3.1: groups and entitlements, only where the client asks for them.
    [Fact]
    public void Adds_RFC_9068_groups_and_entitlements_only_for_clients_that_ask()
    {
        var person = PersonOnTeams(1, Fixtures.Ess);

        var plain = Shape(person, new ClientGroupPolicy { AllGroups = true }).ToJson();
        var rfc9068 = Shape(person, new ClientGroupPolicy { AllGroups = true, Rfc9068Claims = true }).ToJson();

        Assert.False(plain.ContainsKey(GroupClaimNames.Groups));
        Assert.Equal("/pan/ess/20240000", rfc9068[GroupClaimNames.Groups]![0]!.GetValue<string>());
        Assert.Equal(2, rfc9068[GroupClaimNames.Entitlements]!.AsArray().Count);
    }
}

public class FacilityUserIdReleaseTests
{
    [Fact]
    public void Releases_the_user_id_of_each_configured_facility_under_its_claim_name_only()
    {
        var policy = new ClientGroupPolicy
        {
            FacilityUserIdClaims = [new FacilityUserIdClaim("ess_user_number", "ess"), new FacilityUserIdClaim("ill_uid", "ill")],
        };
        var ids = new[] { new FacilityUserId("c-alice", "ess", "4711"), new FacilityUserId("c-alice", "diamond", "fed12345") };

        var claims = FacilityUserIdRelease.For(policy, ids);

        Assert.Equal(new Dictionary<string, string> { ["ess_user_number"] = "4711" }, claims);
    }
}
