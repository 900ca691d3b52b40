using System.Net;
using System.Text;
using System.Text.Json;
using AaiProxy.Data;
using AaiProxy.Data.Entities;
using AaiProxy.Groups;
using AaiProxy.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using static AaiProxy.Server.Tests.Api.ApiFixture;

namespace AaiProxy.Server.Tests.Api;

/// <summary>POST /api/v1/facilities/{facility}/proposals:import, JSON and CSV (its time is measured by bench/parts/import.sh, not here).</summary>
public sealed class ImportApiTests(ApiFixture fixture) : IClassFixture<ApiFixture>
{
    private const string Url = "/api/v1/facilities/demo/proposals:import";

    [Fact]
    public async Task Importing_1000_proposals_with_5000_people_twice_changes_nothing_the_second_time_and_says_so()
    {
        // 4,000 people with accounts (named by community id), 1,000 named by an address nobody has: invitations.
        var accounts = await AccountsAsync("bulk", 4000);
        var document = Document(1000, index => index % 5 == 4 ? $"{{\"email\":\"invitee{index}@bulk.example.org\",\"roles\":[\"data-access\"]}}"
            : $"{{\"community_id\":\"{accounts[index - index / 5]}\",\"roles\":[\"{(index % 5 == 0 ? "pi" : "co-proposer")}\"]}}");
        using var api = fixture.Api(await fixture.UserOfficeTokenAsync());

        var first = await ImportAsync(api, document, "application/json");
        var (memberships, invitations, audit) = await CountsAsync();
        var second = await ImportAsync(api, document, "application/json");

        Assert.Equal((true, 1000, 0, 0, 1000), Summary(first));
        Assert.Equal((false, 0, 0, 1000, 0), Summary(second));
        Assert.Equal((4000, 1000), (memberships, invitations));
        Assert.Equal((memberships, invitations, audit), await CountsAsync());
    }

    [Fact]
    public async Task A_csv_import_reports_updates_and_keeps_the_invitation_it_asked_for_once()
    {
        var pi = (await AccountsAsync("csv", 1))[0];
        const string Header = "facility,proposal_id,title,embargo_end,instrument,session_start,session_end,email,community_id,facility_user_id,roles\r\n";
        string Csv(string title) => Header
            + $"demo,DEMO-2041-001,{title},,BL01,2041-02-01T08:00:00Z,2041-02-03T08:00:00Z,,{pi},,pi\r\n"
            + $"demo,DEMO-2041-001,{title},,,,,newcomer@csv.example.org,,,co-proposer\r\n";
        using var api = fixture.Api(await fixture.UserOfficeTokenAsync());

        var created = await ImportAsync(api, Csv("First title"), "text/csv");
        var renamed = await ImportAsync(api, Csv("Second title"), "text/csv");

        Assert.Equal((true, 1, 0, 0, 1), Summary(created));
        Assert.Equal((true, 0, 1, 0, 0), Summary(renamed));
    }

    [Fact]
    public async Task A_person_an_import_names_by_an_unknown_address_is_mailed_an_invitation_link_once()
    {
        var pi = (await AccountsAsync("mailed", 1))[0];
        var newcomer = $"newcomer-{Guid.NewGuid():N}@mailed.example.org";
        var csv = "facility,proposal_id,title,embargo_end,instrument,session_start,session_end,email,community_id,facility_user_id,roles\r\n"
            + $"demo,DEMO-2043-001,Mailed,,BL01,2043-02-01T08:00:00Z,2043-02-03T08:00:00Z,,{pi},,pi\r\n"
            + $"demo,DEMO-2043-001,Mailed,,,,,{newcomer},,,co-proposer\r\n";
        using var api = fixture.Api(await fixture.UserOfficeTokenAsync());
        Assert.Equal(1, Summary(await ImportAsync(api, csv, "text/csv")).Item5);

        await using var scope = fixture.Factory.Services.CreateAsyncScope();
        var invitations = scope.ServiceProvider.GetRequiredService<AaiProxy.Server.Groups.Invitations.InvitationService>();
        while (await invitations.SendRequestedAsync(500, CancellationToken.None) > 0)
        {
        }

        var mailbox = fixture.Factory.Services.GetRequiredService<AaiProxy.Server.Mail.DevelopmentMailbox>();
        var mail = Assert.Single(mailbox.Messages, message => message.Mail.To == newcomer).Mail;
        Assert.Contains("DEMO-2043-001", mail.Subject);
        var link = System.Text.RegularExpressions.Regex.Match(mail.TextBody, @"http\S+/invitations/[A-Za-z0-9_-]+").Value;
        Assert.NotEmpty(link);
        var stored = await scope.ServiceProvider.GetRequiredService<ProxyDbContext>().Invitations.AsNoTracking().SingleAsync(i => i.Email == newcomer);
        Assert.NotNull(stored.TokenHash);
        Assert.NotNull(stored.ExpiresAt);
        Assert.Equal(0, await invitations.SendRequestedAsync(500, CancellationToken.None));
        // The link is live (a sign-in comes first), where a link nobody was sent is unknown.
        var browser = fixture.Factory.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        using var page = await browser.GetAsync(new Uri(link).PathAndQuery);
        using var unknown = await browser.GetAsync("/invitations/" + new string('A', 43));
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.NotEqual(HttpStatusCode.NotFound, page.StatusCode);
        Assert.NotEqual(HttpStatusCode.Gone, page.StatusCode);
    }

    [Fact]
    public async Task An_import_with_a_problem_is_refused_whole_with_each_problem_located()
    {
        using var api = fixture.Api(await fixture.UserOfficeTokenAsync());
        var document = """{"proposals":[{"facility":"demo","id":"DEMO-2042-001","title":"Fine","sessions":[],"team":[]},{"facility":"demo","id":"bad id","title":"","sessions":[],"team":[]}]}""";

        using var response = await api.PostAsync(Url, new StringContent(document, Encoding.UTF8, "application/json"));
        using var wrongType = await api.PostAsync(Url, new StringContent(document, Encoding.UTF8, "text/plain"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problems = (await JsonAsync(response)).GetProperty("problems").EnumerateArray().ToList();
        Assert.Contains(problems, p => p.GetProperty("field").GetString() == "/proposals/1/id" && p.GetProperty("code").GetString() == "invalid_proposal_id");
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, wrongType.StatusCode);
        using var scope = fixture.Factory.Services.CreateScope();
        Assert.False(await scope.ServiceProvider.GetRequiredService<ProxyDbContext>().Proposals.AnyAsync(p => p.ProposalId == "DEMO-2042-001"));
    }

    private static (bool, int, int, int, int) Summary(JsonElement body) =>
        (body.GetProperty("changed").GetBoolean(), body.GetProperty("created").GetInt32(), body.GetProperty("updated").GetInt32(),
            body.GetProperty("unchanged").GetInt32(), body.GetProperty("invitations_requested").GetInt32());

    private static async Task<JsonElement> ImportAsync(HttpClient api, string body, string mediaType)
    {
        using var response = await api.PostAsync(Url, new StringContent(body, Encoding.UTF8, mediaType));
        var json = await JsonAsync(response);
        Assert.True(response.StatusCode == HttpStatusCode.OK, json.ToString());
        return json;
    }

    /// <summary><paramref name="proposals"/> proposals DEMO-2040-000…, five people each (<paramref name="person"/> of the person's overall index).</summary>
    private static string Document(int proposals, Func<int, string> person) =>
        "{\"proposals\":[" + string.Join(',', Enumerable.Range(0, proposals).Select(p =>
            $"{{\"facility\":\"demo\",\"id\":\"DEMO-2040-{p:000}\",\"title\":\"Bulk {p}\","
            + $"\"sessions\":[{{\"instrument\":\"BL{p % 7:00}\",\"start\":\"2040-03-{1 + p % 28:00}T08:00:00Z\",\"end\":\"2040-03-{1 + p % 28:00}T20:00:00Z\"}}],"
            + $"\"team\":[{string.Join(',', Enumerable.Range(p * 5, 5).Select(person))}]}}")) + "]}";

    /// <summary>Accounts written straight to the database (the import, not sign-in, is under test).</summary>
    private async Task<List<string>> AccountsAsync(string prefix, int count)
    {
        using var scope = fixture.Factory.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<ProxyDbContext>();
        var ids = Enumerable.Range(0, count).Select(i => $"{prefix}-{i:00000}-{Guid.NewGuid():N}"[..40]).ToList();
        db.CommunityAccounts.AddRange(ids.Select(id => new CommunityAccountEntity
            { Id = id, PreferredUsername = id[..32], CreatedAt = DateTimeOffset.UtcNow, Status = AccountStatus.Active }));
        await db.SaveChangesAsync();
        return ids;
    }

    private async Task<(int Memberships, int Invitations, int Audit)> CountsAsync()
    {
        using var scope = fixture.Factory.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<ProxyDbContext>();
        return (await db.Memberships.CountAsync(m => m.Group!.Path.StartsWith("/pan/demo/DEMO-2040-")),
            await db.Invitations.CountAsync(i => i.ProposalId!.StartsWith("DEMO-2040-")),
            await db.AuditEvents.CountAsync());
    }
}
