using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using AaiProxy.Groups;
using AaiProxy.Server.Groups.Management;
using AaiProxy.Server.Tests.Infrastructure;
using static AaiProxy.Server.Tests.Api.ApiFixture;
using static AaiProxy.Server.Tests.Groups.GroupAdministrationFixture;

namespace AaiProxy.Server.Tests.Api;

/// <summary>The REST API under /api/v1 with real bearer tokens of this proxy.</summary>
public sealed class GroupApiTests(ApiFixture fixture) : IClassFixture<ApiFixture>
{
    [Fact]
    public async Task Api_manager_of_group_A_gets_403_problem_on_group_B_and_200_on_group_A()
    {
        var tokens = await fixture.PersonTokensAsync("carol");
        var carol = ClaimTableTests.Payload(tokens.GetProperty("access_token").GetString()!).GetProperty("sub").GetString()!;
        var (teamA, teamB) = (await fixture.TeamAsync("api-a", carol), await fixture.TeamAsync("api-b"));
        using var api = fixture.Api(tokens.GetProperty("access_token").GetString()!);

        using var forbidden = await api.PostAsJsonAsync($"/api/v1/groups/{teamB.Id}/members", new { community_id = carol });
        using var allowed = await api.PostAsJsonAsync($"/api/v1/groups/{teamA.Id}/members", new { community_id = await fixture.PersonAsync("api-member") });

        Assert.Equal(HttpStatusCode.Forbidden, forbidden.StatusCode);
        Assert.Equal("forbidden", (await JsonAsync(forbidden)).GetProperty("code").GetString());
        Assert.Equal(HttpStatusCode.Created, allowed.StatusCode);
        Assert.NotNull(allowed.Headers.ETag);
    }

    [Fact]
    public async Task Errors_are_problem_details_with_type_status_detail_and_a_stable_code()
    {
        using var api = fixture.Api(await fixture.UserOfficeTokenAsync());

        using var missing = await api.GetAsync("/api/v1/groups/no-such-group");
        using var invalid = await api.PostAsJsonAsync("/api/v1/facilities/demo/proposals", new { id = "not-a-demo-id", title = "" });

        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Equal("application/problem+json", missing.Content.Headers.ContentType?.MediaType);
        var problem = await JsonAsync(missing);
        Assert.Equal(("urn:aaiproxy:problem:not_found", 404, "not_found"),
            (problem.GetProperty("type").GetString(), problem.GetProperty("status").GetInt32(), problem.GetProperty("code").GetString()));
        Assert.Contains("no-such-group", problem.GetProperty("detail").GetString());
        Assert.True(problem.TryGetProperty("title", out _));
        Assert.Equal(HttpStatusCode.BadRequest, invalid.StatusCode);
        Assert.Equal(["id", "title"], (await JsonAsync(invalid)).GetProperty("problems").EnumerateArray().Select(p => p.GetProperty("field").GetString()).Order());
    }

    [Fact]
    public async Task Requests_without_a_token_for_the_api_are_401_and_without_the_scope_403_insufficient_scope()
    {
        using var anonymous = await fixture.Factory.CreateClient().GetAsync("/api/v1/groups");
        var (_, otherAudience) = await new OidcTestClient(fixture.Factory).ClientCredentialsAsync();
        using var wrongAudience = await fixture.Api(otherAudience.GetProperty("access_token").GetString()!).GetAsync("/api/v1/groups");
        using var readOnly = fixture.Api(await fixture.UserOfficeTokenAsync("groups:read"));
        using var write = await readOnly.PostAsJsonAsync("/api/v1/groups", new { parent_id = "x", name = "y" });

        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.StartsWith("Bearer", anonymous.Headers.WwwAuthenticate.ToString());
        Assert.Equal(HttpStatusCode.Unauthorized, wrongAudience.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, write.StatusCode);
        Assert.Contains("insufficient_scope", write.Headers.WwwAuthenticate.ToString());
        Assert.Equal("insufficient_scope", (await JsonAsync(write)).GetProperty("code").GetString());
    }

    [Fact]
    public async Task A_change_with_a_stale_etag_is_412_and_without_if_match_428()
    {
        using var api = fixture.Api(await fixture.UserOfficeTokenAsync());
        var facility = await fixture.FacilityGroupAsync();
        using var created = await api.PostAsJsonAsync("/api/v1/groups", new { parent_id = facility.Id, name = $"etag-{Guid.NewGuid():N}"[..20], visibility = "members" });
        var location = created.Headers.Location!.ToString();
        var etag = created.Headers.ETag!.ToString();

        using var missing = await api.PutAsJsonAsync(location, new { description = "no version", visibility = "members" });
        using var first = await Send(api, HttpMethod.Put, location, etag, new { description = "first", visibility = "community" });
        using var stale = await Send(api, HttpMethod.Put, location, etag, new { description = "second", visibility = "public" });
        using var staleDelete = await Send(api, HttpMethod.Delete, location, etag, null);
        using var read = await api.GetAsync(location);

        Assert.Equal(HttpStatusCode.PreconditionRequired, missing.StatusCode);
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.NotEqual(etag, first.Headers.ETag!.ToString());
        Assert.Equal(HttpStatusCode.PreconditionFailed, stale.StatusCode);
        Assert.Equal("precondition_failed", (await JsonAsync(stale)).GetProperty("code").GetString());
        Assert.Equal(HttpStatusCode.PreconditionFailed, staleDelete.StatusCode);
        Assert.Equal(("first", first.Headers.ETag!.ToString()), ((await JsonAsync(read)).GetProperty("description").GetString(), read.Headers.ETag!.ToString()));
    }

    [Fact]
    public async Task Members_are_paged_with_an_opaque_cursor_and_a_next_link_without_gaps_or_repeats()
    {
        var team = await fixture.TeamAsync("api-paged");
        var members = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            var member = await fixture.PersonAsync($"paged-{i}");
            members.Add(member);
            Ok(await fixture.CallAsync(admin => admin.AddMemberAsync(PlatformAdmin, team.Id, new AddMember(new(member, null), [], null, null), CancellationToken.None)));
        }
        using var api = fixture.Api(await fixture.UserOfficeTokenAsync());

        var seen = new List<string>();
        string? next = $"/api/v1/groups/{team.Id}/members?page_size=2";
        var pages = 0;
        while (next is not null)
        {
            using var response = await api.GetAsync(next);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var page = await JsonAsync(response);
            seen.AddRange(page.GetProperty("items").EnumerateArray().Select(item => item.GetProperty("community_id").GetString()!));
            next = page.GetProperty("next").GetString();
            Assert.Equal(next is null ? "" : $"<{next}>; rel=\"next\"", response.Headers.TryGetValues("Link", out var link) ? string.Join(",", link) : "");
            pages++;
        }

        Assert.Equal(3, pages);
        Assert.Equal(members.Order(StringComparer.Ordinal), seen);
        using var badCursor = await api.GetAsync($"/api/v1/groups/{team.Id}/members?cursor=%%%");
        Assert.Equal(HttpStatusCode.BadRequest, badCursor.StatusCode);
    }

    [Fact]
    public async Task A_membership_ended_through_the_api_disappears_from_the_token_at_the_next_refresh()
    {
        var tokens = await new OidcTestClient(fixture.Factory).CodeFlowAsync("alice", GroupClaimsTests.GroupScopes);
        var alice = ClaimTableTests.Payload(tokens.GetProperty("id_token").GetString()!).GetProperty("sub").GetString()!;
        Assert.True(ClaimTableTests.Payload(tokens.GetProperty("access_token").GetString()!).TryGetProperty("proposals", out _));
        using var api = fixture.Api(await fixture.UserOfficeTokenAsync());
        var proposal = await JsonAsync(await api.GetAsync($"/api/v1/facilities/demo/proposals/{GroupClaimsTests.EmbargoedProposal}"));
        var membership = $"/api/v1/groups/{proposal.GetProperty("team_group_id").GetString()}/members/{alice}";

        using var removed = await Send(api, HttpMethod.Delete, membership, "*", null);
        var (status, refreshed) = await new OidcTestClient(fixture.Factory).TokenAsync(new()
        {
            ["grant_type"] = "refresh_token",
            ["refresh_token"] = tokens.GetProperty("refresh_token").GetString(),
            ["client_id"] = OidcTestClient.PortalClientId,
        });

        Assert.Equal(HttpStatusCode.OK, removed.StatusCode);
        Assert.Equal("expired", (await JsonAsync(removed)).GetProperty("status").GetString());
        Assert.Equal(HttpStatusCode.OK, status);
        var payload = ClaimTableTests.Payload(refreshed.GetProperty("access_token").GetString()!);
        Assert.False(payload.TryGetProperty("proposals", out _));
        Assert.DoesNotContain(ClaimTableTests.Strings(payload.GetProperty("eduperson_entitlement")), value => value!.Contains(GroupClaimsTests.EmbargoedProposal, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Proposals_are_created_read_and_their_embargo_extended_through_the_api()
    {
        var pi = await fixture.PersonAsync("api-pi");
        using var api = fixture.Api(await fixture.UserOfficeTokenAsync());
        var id = $"DEMO-2032-{Random.Shared.Next(100, 999)}";

        using var created = await api.PostAsJsonAsync("/api/v1/facilities/demo/proposals", new
        {
            id, title = "API proposal",
            sessions = new[] { new { instrument = "BL02", start = "2032-01-10T08:00:00Z", end = "2032-01-12T08:00:00Z" } },
            team = new[] { new { community_id = pi, roles = new[] { "pi" } } },
        });
        using var extended = await Send(api, HttpMethod.Put, $"/api/v1/facilities/demo/proposals/{id}/embargo", created.Headers.ETag!.ToString(),
            new { end = "2040-01-01T00:00:00Z" });
        using var duplicate = await api.PostAsJsonAsync("/api/v1/facilities/demo/proposals", new { id, title = "again" });

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var body = await JsonAsync(created);
        Assert.Equal(("2035-01-12T08:00:00+00:00", "under_embargo"), (body.GetProperty("embargo_end").GetDateTimeOffset().ToString("yyyy-MM-ddTHH:mm:sszzz"), body.GetProperty("embargo").GetString()));
        Assert.Equal(["member", "pi"], body.GetProperty("team")[0].GetProperty("roles").EnumerateArray().Select(r => r.GetString()));
        Assert.Equal(HttpStatusCode.OK, extended.StatusCode);
        Assert.Equal(new DateTimeOffset(2040, 1, 1, 0, 0, 0, TimeSpan.Zero), (await JsonAsync(extended)).GetProperty("embargo_end").GetDateTimeOffset());
        Assert.Equal(HttpStatusCode.Conflict, duplicate.StatusCode);
    }

    [Fact]
    public async Task The_audit_log_of_the_facility_is_exported_as_json_lines_and_csv()
    {
        using var api = fixture.Api(await fixture.UserOfficeTokenAsync());
        var userId = $"x{Random.Shared.Next(100000, 999999)}";
        using var set = await api.PutAsJsonAsync($"/api/v1/facilities/demo/user-ids/{userId}", new { community_id = await fixture.PersonAsync("exported") });

        var lines = (await api.GetStringAsync("/api/v1/audit/export")).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        using var csv = await api.GetAsync("/api/v1/audit/export?format=csv");
        var csvText = await csv.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, set.StatusCode);
        var entry = lines.Select(line => JsonDocument.Parse(line).RootElement).Single(e => e.GetProperty("target").GetString() == $"facility_user_id:demo/{userId}");
        Assert.Equal(("facility_user_id.set", "client:demo-service"), (entry.GetProperty("action").GetString(), entry.GetProperty("actor").GetString()));
        Assert.Equal("text/csv", csv.Content.Headers.ContentType?.MediaType);
        Assert.StartsWith("id,occurred_at,actor,action,target,details\n", csvText.ReplaceLineEndings("\n"));
        Assert.Contains($",client:demo-service,facility_user_id.set,facility_user_id:demo/{userId},", csvText);
    }

    [Fact]
    public async Task The_openapi_document_describes_the_api_only()
    {
        var document = JsonDocument.Parse(await fixture.Factory.CreateClient().GetStringAsync("/openapi/v1.json")).RootElement;

        var paths = document.GetProperty("paths").EnumerateObject().Select(p => p.Name).ToList();
        Assert.Contains("/api/v1/groups/{id}/members", paths);
        Assert.Contains("/api/v1/facilities/{facility}/proposals", paths);
        Assert.All(paths, path => Assert.StartsWith("/api/v1/", path));
    }

    private static async Task<HttpResponseMessage> Send(HttpClient api, HttpMethod method, string url, string ifMatch, object? body)
    {
        using var request = new HttpRequestMessage(method, url);
        request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        if (body is not null)
            request.Content = JsonContent.Create(body);
        return await api.SendAsync(request);
    }
}
