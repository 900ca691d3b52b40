using System.Text;
using AaiProxy.Groups.Import;

namespace AaiProxy.Groups.Tests;

public class JsonProposalReaderTests
{
    private static ImportDocument Read(string json) => JsonProposalReader.Read(Encoding.UTF8.GetBytes(json));

    [Fact]
    public void Reads_proposals_with_sessions_and_a_team_named_three_ways()
    {
        var document = Read("""
            {"proposals":[{"facility":"ess","id":"20240123","title":"Strain","embargo_end":"2031-01-01",
              "sessions":[{"instrument":"LOKI","start":"2027-03-01T08:00:00Z","end":"2027-03-04T08:00:00Z"}],
              "team":[{"email":"Alice@Example.org","roles":["pi"]},{"community_id":"c-bob"},{"facility_user_id":"4711","roles":["data-access"]}]}]}
            """);

        Assert.Empty(document.Problems);
        var proposal = Assert.Single(document.Proposals);
        Assert.Equal(("ess", "20240123", "Strain", "2031-01-01"), (proposal.Facility, proposal.Id, proposal.Title, proposal.EmbargoEnd));
        Assert.Equal("LOKI", Assert.Single(proposal.Sessions).Instrument);
        Assert.Equal(["Alice@Example.org", null, null], proposal.Team.Select(p => p.Email));
        Assert.Equal("/proposals/0/team/2", proposal.Team[2].Location.Pointer);
    }

    [Fact]
    public void Reports_malformed_json_with_its_line()
    {
        var problem = Assert.Single(Read("{\"proposals\":[\n{\"facility\":}]}").Problems);

        Assert.Equal((2, "", ImportProblemCodes.Malformed), (problem.Line, problem.Field, problem.Code));
    }

    [Fact]
    public void Refuses_a_body_without_a_proposals_array()
    {
        Assert.Equal(ImportProblemCodes.Missing, Assert.Single(Read("[]").Problems).Code);
    }

    [Fact]
    public void Reports_an_unknown_member_by_JSON_pointer_so_a_misspelt_roles_never_drops_a_role()
    {
        var problem = Assert.Single(Read("""{"proposals":[{"facility":"ess","id":"20240123","title":"t","team":[{"email":"a@b.org","rolse":["pi"]}]}]}""").Problems);

        Assert.Equal(("/proposals/0/team/0/rolse", ImportProblemCodes.UnknownField), (problem.Field, problem.Code));
    }

    [Fact]
    public void Reports_a_wrong_json_type_by_pointer()
    {
        var problem = Assert.Single(Read("""{"proposals":[{"facility":"ess","id":20240123,"title":"t"}]}""").Problems);

        Assert.Equal(("/proposals/0/id", ImportProblemCodes.InvalidType), (problem.Field, problem.Code));
    }
}

public class CsvProposalReaderTests
{
    private const string Header = "facility,proposal_id,title,embargo_end,instrument,session_start,session_end,email,community_id,facility_user_id,roles\n";

    [Fact]
    public void Groups_rows_by_proposal_and_collects_sessions_and_team_members()
    {
        var document = CsvProposalReader.Read(Header +
            "ess,20240123,\"Strain, in situ\",,LOKI,2027-03-01T08:00:00Z,2027-03-04T08:00:00Z,alice@example.org,,,pi\n" +
            "ess,20240123,,,LOKI,2027-03-01T08:00:00Z,2027-03-04T08:00:00Z,,c-bob,,co-proposer;data-access\r\n" +
            "ill,8-01-418,Magnets,,,,,,,4711,\n");

        Assert.Empty(document.Problems);
        Assert.Equal(2, document.Proposals.Count);
        var ess = document.Proposals[0];
        Assert.Equal("Strain, in situ", ess.Title);
        Assert.Single(ess.Sessions);
        Assert.Equal(["pi"], ess.Team[0].Roles);
        Assert.Equal(["co-proposer", "data-access"], ess.Team[1].Roles);
        Assert.Equal("4711", document.Proposals[1].Team.Single().FacilityUserId);
    }

    [Fact]
    public void Reads_quoted_fields_with_doubled_quotes_and_line_breaks_and_counts_lines_right()
    {
        var document = CsvProposalReader.Read(Header +
            "ess,20240123,\"The \"\"big\"\"\nexperiment\",,,,,,,,\n" +
            "ess,20240124,Other,,,,,not-an-address,,,\n");

        Assert.Equal("The \"big\"\nexperiment", document.Proposals[0].Title);
        var plan = ProposalImportPlanner.Plan(document, ImportPlannerTests.EmptyState, Fixtures.Facilities, RoleCatalog.Default);
        var problem = Assert.Single(plan.Problems);
        Assert.Equal((4, "email", ImportProblemCodes.PersonIdentifier), (problem.Line, problem.Field, problem.Code));
    }

    [Fact]
    public void Skips_the_byte_order_mark_a_spreadsheet_writes()
    {
        var document = CsvProposalReader.Read("\uFEFF" + Header + "ess,20240123,Strain,,,,,,,,\n");

        Assert.Empty(document.Problems);
        Assert.Equal("ess", document.Proposals.Single().Facility);
    }

    [Fact]
    public void Reports_a_title_that_differs_between_rows_of_one_proposal()
    {
        var problem = Assert.Single(CsvProposalReader.Read(Header + "ess,20240123,A,,,,,,,,\ness,20240123,B,,,,,,,,\n").Problems);

        Assert.Equal((3, "title", ImportProblemCodes.Inconsistent), (problem.Line, problem.Field, problem.Code));
    }

    [Fact]
    public void Refuses_an_unknown_column_and_a_missing_required_one()
    {
        var problems = CsvProposalReader.Read("facility,titel\ness,x\n").Problems;

        Assert.Equal([("titel", ImportProblemCodes.UnknownField), ("proposal_id", ImportProblemCodes.Missing)], problems.Select(p => (p.Field, p.Code)));
    }

    [Fact]
    public void Reports_a_row_with_the_wrong_number_of_fields_and_an_unclosed_quote()
    {
        Assert.Equal(ImportProblemCodes.Malformed, Assert.Single(CsvProposalReader.Read(Header + "ess,20240123\n").Problems).Code);
        Assert.Equal((2, ImportProblemCodes.Malformed), CsvProposalReader.Read(Header + "ess,\"20240123\n").Problems.Select(p => (p.Line, p.Code)).Single());
    }
}

public class ImportLimitTests
{
    [Fact]
    public void Refuses_more_proposals_than_the_limit_in_one_json_import()
    {
        var json = "{\"proposals\":[" + string.Join(',', Enumerable.Repeat("{}", ImportLimits.MaxProposals + 1)) + "]}";

        var problem = Assert.Single(JsonProposalReader.Read(Encoding.UTF8.GetBytes(json)).Problems);

        Assert.Equal(("/proposals", ImportProblemCodes.TooLarge), (problem.Field, problem.Code));
    }
}
