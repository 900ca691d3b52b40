using System.Text;
using System.Text.Json.Nodes;
using AaiProxy.Groups.Import;

namespace AaiProxy.Groups.Tests;

public class ImportPlannerTests
{
    internal static readonly ImportState EmptyState = new(new Dictionary<ProposalKey, Proposal>(), PersonDirectory.Empty, new Dictionary<InvitationKey, string?>());

    private static readonly PersonDirectory People = new(
        ["c-alice", "c-bob", "c-carol"],
        [new("alice@example.org", "c-alice"), new("shared@example.org", "c-bob"), new("shared@example.org", "c-carol")],
        [new FacilityUserId("c-bob", "ess", "4711")]);

    private static readonly ImportState State = EmptyState with { People = People };

    private static ImportDocument Json(string json) => JsonProposalReader.Read(Encoding.UTF8.GetBytes(json));

    private static ProposalImportPlan Plan(string json, ImportState? state = null) =>
        ProposalImportPlanner.Plan(Json(json), state ?? State, Fixtures.Facilities, RoleCatalog.Default);

    private static string One(string team, string extra = "") => $$"""
        {"proposals":[{"facility":"ess","id":"20240123","title":"Strain"{{extra}},
          "sessions":[{"instrument":"LOKI","start":"2027-03-01T08:00:00Z","end":"2027-03-04T08:00:00Z"}],
          "team":[{{team}}]}]}
        """;

    /// <summary>What a store does with a plan, in memory: the proposals and invitations it records.</summary>
    internal static ImportState Apply(ImportState state, ProposalImportPlan plan)
    {
        Assert.True(plan.IsValid, string.Join("; ", plan.Problems));
        var proposals = new Dictionary<ProposalKey, Proposal>(state.Proposals);
        foreach (var proposal in plan.Creates.Concat(plan.Updates.Select(u => u.After)))
            proposals[proposal.Key] = proposal;
        var invitations = new Dictionary<InvitationKey, string?>(state.Invitations);
        foreach (var invitation in plan.Invitations)
            invitations.Add(new InvitationKey(invitation.Proposal, invitation.Email), null);
        return state with { Proposals = proposals, Invitations = invitations };
    }

    [Fact]
    public void Creates_a_proposal_with_its_team_resolved_by_email_community_id_and_facility_user_id()
    {
        var plan = Plan(One("""{"email":"ALICE@example.org","roles":["pi"]},{"community_id":"c-carol"},{"facility_user_id":"4711","roles":["data-access"]}"""));

        var created = Assert.Single(plan.Creates);
        Assert.Equal(
            [new TeamMember("c-alice", RoleSet.Of("pi")), new TeamMember("c-bob", RoleSet.Of("data-access")), new TeamMember("c-carol", RoleSet.None)],
            created.Team);
        Assert.Equal("c-alice", created.PrincipalInvestigator);
        Assert.Empty(plan.Invitations);
    }

    [Fact]
    public void Turns_an_unknown_email_into_one_invitation_request_and_not_a_team_member()
    {
        var plan = Plan(One("""{"email":"dora@example.org","roles":["co-proposer"]},{"email":"Dora@example.org"}"""));

        Assert.Equal([new InvitationRequest(new ProposalKey("ess", "20240123"), "dora@example.org", RoleSet.Of("co-proposer"))], plan.Invitations);
        Assert.Empty(plan.Creates.Single().Team);
    }

    [Fact]
    public void Puts_an_invitee_who_accepted_on_the_team()
    {
        var accepted = State with { Invitations = new Dictionary<InvitationKey, string?> { [new(new("ess", "20240123"), "dora@example.org")] = "c-dora" } };

        var plan = Plan(One("""{"email":"dora@example.org","roles":["co-proposer"]}"""), accepted);

        Assert.Equal([new TeamMember("c-dora", RoleSet.Of("co-proposer"))], plan.Creates.Single().Team);
        Assert.Empty(plan.Invitations);
    }

    [Theory]
    [InlineData("""{"community_id":"c-nobody"}""", "/proposals/0/team/0/community_id", ImportProblemCodes.UnknownPerson)]
    [InlineData("""{"facility_user_id":"9999"}""", "/proposals/0/team/0/facility_user_id", ImportProblemCodes.UnknownPerson)]
    [InlineData("""{"email":"shared@example.org"}""", "/proposals/0/team/0/email", ImportProblemCodes.AmbiguousPerson)]
    [InlineData("""{"email":"a@b.org","community_id":"c-alice"}""", "/proposals/0/team/0/email", ImportProblemCodes.PersonIdentifier)]
    [InlineData("""{"roles":["pi"]}""", "/proposals/0/team/0/email", ImportProblemCodes.PersonIdentifier)]
    [InlineData("""{"email":"a@b.org","roles":["wizard"]}""", "/proposals/0/team/0/roles", ImportProblemCodes.UnknownRole)]
    [InlineData("""{"email":"a@b.org","roles":["PI"]}""", "/proposals/0/team/0/roles", ImportProblemCodes.InvalidRole)]
    public void Refuses_a_team_member_it_cannot_resolve_safely(string member, string field, string code)
    {
        var plan = Plan(One(member));

        var problem = Assert.Single(plan.Problems);
        Assert.Equal((null, field, code), (problem.Line, problem.Field, problem.Code));
        Assert.Empty(plan.Creates);
    }

    [Theory]
    [InlineData("""{"proposals":[{"facility":"xfel","id":"1","title":"t"}]}""", "/proposals/0/facility", ImportProblemCodes.UnknownFacility)]
    [InlineData("""{"proposals":[{"facility":" ","id":"1","title":"t"}]}""", "/proposals/0/facility", ImportProblemCodes.Missing)]
    [InlineData("""{"proposals":[{"facility":"ill","id":"20240123","title":"t"}]}""", "/proposals/0/id", ImportProblemCodes.InvalidProposalId)]
    [InlineData("""{"proposals":[{"facility":"diamond","id":"MX-2345"}]}""", "/proposals/0/title", ImportProblemCodes.Missing)]
    [InlineData("""{"proposals":[{"facility":"ess","id":"20240123","title":"t","sessions":[{"instrument":"LOKI","start":"2027-03-01 08:00","end":"2027-03-04T08:00:00Z"}]}]}""", "/proposals/0/sessions/0/start", ImportProblemCodes.InvalidDate)]
    [InlineData("""{"proposals":[{"facility":"ess","id":"20240123","title":"t","sessions":[{"instrument":"LOKI","start":"2027-03-01T08:00:00","end":"2027-03-04T08:00:00Z"}]}]}""", "/proposals/0/sessions/0/start", ImportProblemCodes.InvalidDate)]
    [InlineData("""{"proposals":[{"facility":"ess","id":"20240123","title":"t","sessions":[{"instrument":"LOKI","start":"2027-03-04T08:00:00Z","end":"2027-03-01T08:00:00Z"}]}]}""", "/proposals/0/sessions/0/end", ImportProblemCodes.SessionEndsBeforeStart)]
    [InlineData("""{"proposals":[{"facility":"ess","id":"20240123","title":"t","embargo_end":"soon"}]}""", "/proposals/0/embargo_end", ImportProblemCodes.InvalidDate)]
    [InlineData("""{"proposals":[{"facility":"ess","id":"20240123","title":"t"},{"facility":"ess","id":"20240123","title":"u"}]}""", "/proposals/1/id", ImportProblemCodes.DuplicateProposal)]
    public void Refuses_an_invalid_proposal_with_an_RFC_7807_friendly_problem(string json, string field, string code)
    {
        var problem = Assert.Single(Plan(json).Problems);

        Assert.Equal((field, code), (problem.Field, problem.Code));
        Assert.False(string.IsNullOrWhiteSpace(problem.Message));
    }

    [Fact]
    public void Refuses_an_overlong_title_and_never_echoes_a_whole_value_in_a_message()
    {
        var title = new string('t', ImportLimits.MaxTextLength + 1);
        var id = new string('9', 500);

        var person = "c-" + title;

        var problems = Plan($$"""{"proposals":[{"facility":"ess","id":"{{id}}","title":"{{title}}","team":[{"community_id":"{{person}}"}]}]}""").Problems;

        Assert.Equal(
            [("/proposals/0/id", ImportProblemCodes.InvalidProposalId), ("/proposals/0/title", ImportProblemCodes.TooLong), ("/proposals/0/team/0/community_id", ImportProblemCodes.TooLong)],
            problems.Select(p => (p.Field, p.Code)));
        Assert.All(problems, p => Assert.True(p.Message.Length < 200, p.Message));
    }

    [Fact]
    public void Escapes_an_unknown_member_name_in_the_JSON_pointer()
    {
        var problem = Assert.Single(Plan("""{"proposals":[{"facility":"ess","id":"20240123","title":"t","a/b~c":1}]}""").Problems);

        Assert.Equal("/proposals/0/a~1b~0c", problem.Field);
    }

    [Fact]
    public void Plans_nothing_at_all_when_one_proposal_of_many_is_invalid()
    {
        var plan = Plan("""{"proposals":[{"facility":"ess","id":"20240123","title":"ok"},{"facility":"ess","id":"bad","title":"t"}]}""");

        Assert.False(plan.IsValid);
        Assert.Empty(plan.Creates);
    }

    [Fact]
    public void Updates_title_sessions_and_team_and_drops_people_the_import_no_longer_names()
    {
        var state = Apply(State, Plan(One("""{"email":"alice@example.org","roles":["pi"]},{"community_id":"c-carol"}""")));

        var plan = Plan(One("""{"email":"alice@example.org","roles":["pi"]}""").Replace("Strain", "Strain II"), state);

        var update = Assert.Single(plan.Updates);
        Assert.Equal("Strain II", update.After.Title);
        Assert.Equal(["c-alice"], update.After.Team.Select(m => m.AccountId));
        Assert.Equal(GroupAuditActions.ProposalUpdated, GroupAudit.Describe(plan).Single().Action);
    }

    [Fact]
    public void Extends_an_embargo_from_the_import_and_keeps_it_when_a_later_import_names_none()
    {
        var extended = Plan(One("", ""","embargo_end":"2035-01-01" """));
        var state = Apply(State, extended);

        Assert.Equal(new DateTimeOffset(2035, 1, 1, 0, 0, 0, TimeSpan.Zero), ProposalEmbargo.End(extended.Creates.Single(), Fixtures.Ess));
        Assert.True(Plan(One(""), state).IsEmpty);
    }

    [Fact]
    public void Refuses_an_import_that_would_shorten_the_embargo()
    {
        var state = Apply(State, Plan(One("", ""","embargo_end":"2035-01-01" """)));

        var problem = Assert.Single(Plan(One("", ""","embargo_end":"2031-01-01" """), state).Problems);

        Assert.Equal(("/proposals/0/embargo_end", ImportProblemCodes.EmbargoShortened), (problem.Field, problem.Code));
    }

    [Fact]
    public void Reads_the_same_import_from_csv_and_json_to_the_same_plan()
    {
        var csv = CsvProposalReader.Read(
            "facility,proposal_id,title,instrument,session_start,session_end,email,community_id,roles\n" +
            "ess,20240123,Strain,LOKI,2027-03-01T08:00:00Z,2027-03-04T08:00:00Z,alice@example.org,,pi\n" +
            "ess,20240123,Strain,,,,,c-carol,\n");
        var fromCsv = ProposalImportPlanner.Plan(csv, State, Fixtures.Facilities, RoleCatalog.Default);

        var fromJson = Plan(One("""{"email":"alice@example.org","roles":["pi"]},{"community_id":"c-carol"}"""));

        Assert.Equal(fromJson.Creates, fromCsv.Creates);
    }

    // Issue 15, must show 2: 1,000 proposals with 5 people each; the second run changes nothing and says so.
    [Fact]
    public void Plans_an_empty_change_set_when_the_same_1000_proposal_import_runs_again()
    {
        var accounts = Enumerable.Range(0, 4000).Select(i => $"c-{i}").ToList();
        var people = new PersonDirectory(accounts, accounts.Select(a => new KeyValuePair<string, string>($"{a}@uni.example", a)),
            accounts.Take(1000).Select(a => new FacilityUserId(a, "ess", "u" + a)));
        var proposals = new JsonArray();
        for (var p = 0; p < 1000; p++)
        {
            var team = new JsonArray(
                new JsonObject { ["email"] = $"C-{p * 4}@uni.example", ["roles"] = new JsonArray("pi") },
                new JsonObject { ["community_id"] = $"c-{p * 4 + 1}", ["roles"] = new JsonArray("co-proposer") },
                new JsonObject { ["facility_user_id"] = $"uc-{(p * 4 + 2) % 1000}", ["roles"] = new JsonArray("local-contact") },
                new JsonObject { ["email"] = $"c-{p * 4 + 3}@uni.example", ["roles"] = new JsonArray("data-access", "co-proposer") },
                new JsonObject { ["email"] = $"newcomer-{p}@elsewhere.example" });
            var start = new DateTimeOffset(2027, 1, 1, 8, 0, 0, TimeSpan.Zero).AddDays(p % 300);
            proposals.Add(new JsonObject
            {
                ["facility"] = "ess",
                ["id"] = $"2027{p:D4}",
                ["title"] = $"Experiment {p}",
                ["sessions"] = new JsonArray(new JsonObject { ["instrument"] = "LOKI", ["start"] = $"{start:yyyy-MM-dd'T'HH:mm:ss'Z'}", ["end"] = $"{start.AddDays(2):yyyy-MM-dd'T'HH:mm:ss'Z'}" }),
                ["team"] = team,
            });
        }
        var document = JsonProposalReader.Read(Encoding.UTF8.GetBytes(new JsonObject { ["proposals"] = proposals }.ToJsonString()));
        var state = EmptyState with { People = people };

        var first = ProposalImportPlanner.Plan(document, state, Fixtures.Facilities, RoleCatalog.Default);
        var second = ProposalImportPlanner.Plan(document, Apply(state, first), Fixtures.Facilities, RoleCatalog.Default);

        Assert.Equal((1000, 0, 0, 1000), (first.Creates.Count, first.Updates.Count, first.Unchanged, first.Invitations.Count));
        Assert.All(first.Creates, p => Assert.Equal(4, p.Team.Count));
        Assert.True(second.IsEmpty);
        Assert.Equal((0, 0, 1000, 0), (second.Creates.Count, second.Updates.Count, second.Unchanged, second.Invitations.Count));
    }
}
