using System.Net;
using System.Text;
using System.Text.Json;
using AaiProxy.Data;
using AaiProxy.Groups;
using AaiProxy.Groups.Import;
using AaiProxy.Identity;
using AaiProxy.Server.Groups;
using AaiProxy.Server.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace AaiProxy.Server.Tests;

/// <summary>
/// The demo's seeded proposals (config/demo.json) in the demo portal's tokens and userinfo: the
/// proxy's own G069 entitlements, the <c>proposals</c> claim and the portal's plain <c>groups</c> claim.
/// </summary>
public sealed class GroupClaimsTests(ProxyFixture fixture) : IClassFixture<ProxyFixture>
{
    internal const string GroupScopes = "openid eduperson_entitlement proposals offline_access";
    internal const string EmbargoedProposal = "DEMO-2026-017";
    internal const string OpenProposal = "DEMO-2021-042";
    internal const string EntitlementPrefix = "urn:mace:aaiproxy.example.org:group:pan:demo:";

    private readonly OidcTestClient _oidc = new(fixture.Factory);

    [Fact]
    public async Task Alice_as_pi_of_the_embargoed_proposal_gets_its_entitlements_and_proposals_entry_in_tokens_and_userinfo()
    {
        foreach (var (name, document) in await DocumentsAsync(_oidc, "alice"))
        {
            Assert.Equal(
                [
                    "urn:mace:dir:entitlement:common-lib-terms",
                    $"{EntitlementPrefix}{EmbargoedProposal}:role=member#aaiproxy.example.org",
                    $"{EntitlementPrefix}{EmbargoedProposal}:role=pi#aaiproxy.example.org",
                ],
                ClaimTableTests.Strings(document.GetProperty("eduperson_entitlement")));
            var proposal = Assert.Single(document.GetProperty("proposals").EnumerateArray());
            Assert.Equal("demo", proposal.GetProperty("facility").GetString());
            Assert.Equal(EmbargoedProposal, proposal.GetProperty("id").GetString());
            Assert.Equal(["member", "pi"], ClaimTableTests.Strings(proposal.GetProperty("roles")));
            // Last session ends 2026-11-19 08:00Z; the demo facility's embargo is 36 months.
            Assert.Equal("2029-11-19T08:00:00Z", proposal.GetProperty("embargo_end").GetString());
            Assert.True(ClaimTableTests.Strings(document.GetProperty("groups")).SequenceEqual([EmbargoedProposal]), $"groups in the {name}");
        }
    }

    [Fact]
    public async Task Bob_as_co_proposer_gets_the_open_proposal_only()
    {
        foreach (var (_, document) in await DocumentsAsync(_oidc, "bob"))
        {
            Assert.Equal(
                [
                    $"{EntitlementPrefix}{OpenProposal}:role=member#aaiproxy.example.org",
                    $"{EntitlementPrefix}{OpenProposal}:role=co-proposer#aaiproxy.example.org",
                ],
                ClaimTableTests.Strings(document.GetProperty("eduperson_entitlement")));
            var proposal = Assert.Single(document.GetProperty("proposals").EnumerateArray());
            Assert.Equal(OpenProposal, proposal.GetProperty("id").GetString());
            Assert.Equal(["member", "co-proposer"], ClaimTableTests.Strings(proposal.GetProperty("roles")));
            Assert.Equal("2024-03-11T08:00:00Z", proposal.GetProperty("embargo_end").GetString());
            Assert.Equal([OpenProposal], ClaimTableTests.Strings(document.GetProperty("groups")));
        }
    }

    [Fact]
    public async Task Carol_on_no_team_gets_no_group_claims()
    {
        foreach (var (name, document) in await DocumentsAsync(_oidc, "carol"))
        {
            Assert.False(document.TryGetProperty("eduperson_entitlement", out _), $"eduperson_entitlement in the {name}");
            Assert.False(document.TryGetProperty("proposals", out _), $"proposals in the {name}");
            Assert.False(document.TryGetProperty("groups", out _), $"groups in the {name}");
        }
    }

    [Fact]
    public async Task Proposals_is_a_json_array_of_objects_in_id_token_access_token_and_userinfo()
    {
        foreach (var (name, document) in await DocumentsAsync(_oidc, "bob"))
        {
            var proposals = document.GetProperty("proposals");
            Assert.True(proposals.ValueKind == JsonValueKind.Array, $"proposals in the {name} is {proposals.ValueKind}");
            Assert.All(proposals.EnumerateArray(), proposal => Assert.Equal(JsonValueKind.Object, proposal.ValueKind));
        }
    }

    [Fact]
    public async Task Demo_portal_shows_alices_entitlement_proposal_and_groups_claim()
    {
        var browser = fixture.Factory.CreateBrowser();
        using var start = await browser.GetAsync("/demo/portal/login");
        var callback = await OidcTestClient.AuthorizeAsync(browser, start.Headers.Location!.ToString(), "alice");

        using var page = await browser.GetAsync(callback);
        var html = System.Net.WebUtility.HtmlDecode(await page.Content.ReadAsStringAsync());

        Assert.True(page.StatusCode == HttpStatusCode.OK, html);
        foreach (var token in new[] { "id_token", "access_token", "userinfo" })
        {
            var table = html[html.IndexOf($"data-token=\"{token}\"", StringComparison.Ordinal)..];
            table = table[..table.IndexOf("</table>", StringComparison.Ordinal)];
            Assert.Contains($"{EntitlementPrefix}{EmbargoedProposal}:role=pi#aaiproxy.example.org", table);
            Assert.Contains($"\"id\":\"{EmbargoedProposal}\"", table);
            Assert.Contains($"data-claim=\"groups\">{EmbargoedProposal}<", table);
        }
    }

    [Fact]
    public async Task Without_the_proposals_and_entitlement_scopes_no_group_claim_is_released()
    {
        var tokens = await _oidc.CodeFlowAsync("alice", "openid profile");

        var idToken = ClaimTableTests.Payload(tokens.GetProperty("id_token").GetString()!);
        Assert.False(idToken.TryGetProperty("proposals", out _));
        Assert.False(idToken.TryGetProperty("groups", out _));
        Assert.False(idToken.TryGetProperty("eduperson_entitlement", out _));
    }

    [Fact]
    public async Task Seeding_the_demo_again_changes_nothing()
    {
        await _oidc.CodeFlowAsync("alice", GroupScopes);
        var before = await AuditCountAsync(fixture.Factory);

        using (var scope = fixture.Factory.Services.CreateScope())
        {
            await scope.ServiceProvider.GetRequiredService<Demo.DemoProposalSeeder>().SeedAsync(signedIn: null, CancellationToken.None);
        }

        await _oidc.CodeFlowAsync("alice", GroupScopes);
        Assert.Equal(before, await AuditCountAsync(fixture.Factory));
    }

    [Fact]
    public async Task A_demo_user_whose_team_role_was_changed_holds_the_configured_role_again_after_the_next_sign_in()
    {
        var tokens = await _oidc.CodeFlowAsync("alice", GroupScopes);
        var accountId = ClaimTableTests.Payload(tokens.GetProperty("id_token").GetString()!).GetProperty("sub").GetString()!;
        // An import (the demo proposal as configured, but alice a co-proposer instead of its PI).
        var changed = JsonProposalReader.Read(Encoding.UTF8.GetBytes($$"""
            {"proposals":[{"facility":"demo","id":"{{EmbargoedProposal}}","title":"Operando imaging of battery cathodes (under embargo)",
              "sessions":[{"instrument":"BL04-Imaging","start":"2026-11-16T08:00:00Z","end":"2026-11-19T08:00:00Z"}],
              "team":[{"community_id":"{{accountId}}","roles":["co-proposer"]}]}]}
            """));
        using (var scope = fixture.Factory.Services.CreateScope())
        {
            var store = scope.ServiceProvider.GetRequiredService<IProposalStore>();
            var plan = ProposalImportPlanner.Plan(changed, await store.LoadImportStateAsync(changed.Proposals, CancellationToken.None),
                scope.ServiceProvider.GetRequiredService<GroupReleasePolicies>().Facilities, RoleCatalog.Default);
            Assert.False(plan.IsEmpty);
            await store.ApplyAsync(plan, "test", CancellationToken.None);
        }

        Assert.Equal(RoleSet.Of("co-proposer"), await AlicesRolesAsync());
        var again = await _oidc.CodeFlowAsync("alice", GroupScopes);

        Assert.Equal(RoleSet.Of("pi"), await AlicesRolesAsync());
        Assert.Contains($"{EntitlementPrefix}{EmbargoedProposal}:role=pi#aaiproxy.example.org",
            ClaimTableTests.Strings(ClaimTableTests.Payload(again.GetProperty("access_token").GetString()!).GetProperty("eduperson_entitlement")));

        async Task<RoleSet> AlicesRolesAsync()
        {
            using var scope = fixture.Factory.Services.CreateScope();
            var state = await scope.ServiceProvider.GetRequiredService<IProposalStore>().LoadImportStateAsync(changed.Proposals, CancellationToken.None);
            return Assert.Single(state.Proposals[new ProposalKey("demo", EmbargoedProposal)].Team, member => member.AccountId == accountId).Roles;
        }
    }

    /// <summary>The ID token, access token and userinfo of one code flow with the group scopes.</summary>
    internal static async Task<IReadOnlyList<(string Name, JsonElement Document)>> DocumentsAsync(OidcTestClient oidc, string user)
    {
        var tokens = await oidc.CodeFlowAsync(user, GroupScopes);
        var accessToken = tokens.GetProperty("access_token").GetString()!;
        return
        [
            ("ID token", ClaimTableTests.Payload(tokens.GetProperty("id_token").GetString()!)),
            ("access token", ClaimTableTests.Payload(accessToken)),
            ("userinfo", await oidc.UserInfoAsync(accessToken)),
        ];
    }

    private static async Task<int> AuditCountAsync(ProxyFactory factory)
    {
        using var scope = factory.Services.CreateScope();
        return await scope.ServiceProvider.GetRequiredService<ProxyDbContext>().AuditEvents
            .CountAsync(auditEvent => auditEvent.Action.StartsWith("proposal.") || auditEvent.Action.StartsWith("membership."));
    }
}

/// <summary>Memberships are read at every refresh: a change in the database shows in the next tokens.</summary>
public sealed class GroupClaimsRefreshTests(ProxyFixture fixture) : IClassFixture<ProxyFixture>
{
    private readonly OidcTestClient _oidc = new(fixture.Factory);

    [Fact]
    public async Task A_membership_ended_in_the_database_disappears_at_the_next_refresh_token_use()
    {
        // Alice's first sign-in on this fixture's fresh database: her account is created and joins her demo team at once.
        var tokens = await _oidc.CodeFlowAsync("alice", GroupClaimsTests.GroupScopes);
        var accountId = ClaimTableTests.Payload(tokens.GetProperty("id_token").GetString()!).GetProperty("sub").GetString()!;
        Assert.True(ClaimTableTests.Payload(tokens.GetProperty("access_token").GetString()!).TryGetProperty("proposals", out _));

        using (var scope = fixture.Factory.Services.CreateScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<ProxyDbContext>();
            var now = scope.ServiceProvider.GetRequiredService<TimeProvider>().GetUtcNow();
            var membership = await db.Memberships.SingleAsync(m => m.AccountId == accountId);
            membership.Status = nameof(MembershipStatus.Expired);
            membership.End = now;
            await db.SaveChangesAsync();
        }

        var (status, refreshed) = await _oidc.TokenAsync(new()
        {
            ["grant_type"] = "refresh_token",
            ["refresh_token"] = tokens.GetProperty("refresh_token").GetString(),
            ["client_id"] = OidcTestClient.PortalClientId,
        });

        Assert.Equal(HttpStatusCode.OK, status);
        foreach (var token in new[] { refreshed.GetProperty("id_token"), refreshed.GetProperty("access_token") })
        {
            var payload = ClaimTableTests.Payload(token.GetString()!);
            Assert.False(payload.TryGetProperty("proposals", out _));
            Assert.False(payload.TryGetProperty("groups", out _));
            Assert.Equal(["urn:mace:dir:entitlement:common-lib-terms"], ClaimTableTests.Strings(payload.GetProperty("eduperson_entitlement")));
        }
    }
}

/// <summary>The demo portal limited to another facility (and the demo facility's claims cut to a tiny budget elsewhere).</summary>
public sealed class OtherFacilityClientFixture : ProxyFixture
{
    protected override IReadOnlyDictionary<string, string> Overrides => new Dictionary<string, string>
    {
        ["AaiProxy:Facilities:1:Code"] = "other",
        ["AaiProxy:Facilities:1:Name"] = "Other Neutron Source",
        ["AaiProxy:Facilities:1:ProposalIdPattern"] = @"^\d{8}$",
        ["AaiProxy:Clients:0:Groups:Facilities:0"] = "other",
    };
}

public sealed class GroupClaimsOtherFacilityTests(OtherFacilityClientFixture fixture) : IClassFixture<OtherFacilityClientFixture>
{
    private readonly OidcTestClient _oidc = new(fixture.Factory);

    [Fact]
    public async Task A_client_limited_to_another_facility_sees_none_of_the_demo_facilitys_groups()
    {
        foreach (var (name, document) in await GroupClaimsTests.DocumentsAsync(_oidc, "alice"))
        {
            Assert.Equal(["urn:mace:dir:entitlement:common-lib-terms"], ClaimTableTests.Strings(document.GetProperty("eduperson_entitlement")));
            Assert.False(document.TryGetProperty("proposals", out _), $"proposals in the {name}");
            Assert.False(document.TryGetProperty("groups", out _), $"groups in the {name}");
        }
    }
}

/// <summary>The demo portal with a byte budget too small for one proposal.</summary>
public sealed class TinyBudgetClientFixture : ProxyFixture
{
    protected override IReadOnlyDictionary<string, string> Overrides => new Dictionary<string, string>
    {
        ["AaiProxy:Clients:0:Groups:ByteBudget"] = "256",
    };
}

public sealed class GroupClaimsBudgetTests(TinyBudgetClientFixture fixture) : IClassFixture<TinyBudgetClientFixture>
{
    private readonly OidcTestClient _oidc = new(fixture.Factory);

    [Fact]
    public async Task Group_claims_cut_to_the_byte_budget_are_left_out_and_logged_with_the_client_id()
    {
        var tokens = await _oidc.CodeFlowAsync("alice", GroupClaimsTests.GroupScopes);

        var idToken = ClaimTableTests.Payload(tokens.GetProperty("id_token").GetString()!);
        Assert.False(idToken.TryGetProperty("proposals", out _));
        Assert.Contains(fixture.Factory.Logs.Lines, line => line.Contains("Group claims for client demo-portal cut to the byte budget (256 bytes)")
                                                            && line.Contains("keeps 0 group(s), 1 left out"));
    }
}

/// <summary>Two facilities; the demo portal may see the demo facility only.</summary>
public sealed class OneFacilityClientFixture : ProxyFixture
{
    protected override IReadOnlyDictionary<string, string> Overrides => new Dictionary<string, string>
    {
        ["AaiProxy:Facilities:1:Code"] = "other",
        ["AaiProxy:Facilities:1:Name"] = "Other Neutron Source",
        ["AaiProxy:Facilities:1:ProposalIdPattern"] = @"^\d{8}$",
        ["AaiProxy:Clients:0:Groups:Facilities:0"] = "demo",
    };
}

public sealed class GroupClaimsManyGroupsTests(OneFacilityClientFixture fixture) : IClassFixture<OneFacilityClientFixture>
{
    private readonly OidcTestClient _oidc = new(fixture.Factory);

    // Issue 15, must show 4, end to end: 500 proposal teams in the database, tokens from the real endpoints.
    [Fact]
    public async Task A_person_in_500_groups_gets_only_the_clients_facility_in_tokens_under_8_kb()
    {
        var first = await _oidc.CodeFlowAsync("alice", GroupClaimsTests.GroupScopes);
        var alice = ClaimTableTests.Payload(first.GetProperty("id_token").GetString()!).GetProperty("sub").GetString()!;
        await using (var scope = fixture.Factory.Services.CreateAsyncScope())
        {
            var admin = scope.ServiceProvider.GetRequiredService<AaiProxy.Server.Groups.Management.GroupAdministration>();
            var now = DateTimeOffset.UtcNow;
            foreach (var (facility, id) in new (string, Func<int, string>)[] { ("demo", i => $"DEMO-2030-{i:D3}"), ("other", i => $"{20300000 + i}") })
            {
                var location = new AaiProxy.Groups.Import.ImportLocation(null, "/test");
                var document = new AaiProxy.Groups.Import.ImportDocument([.. Enumerable.Range(0, 250).Select(i => new AaiProxy.Groups.Import.ImportedProposal(
                    facility, id(i), $"Beamtime {i}", EmbargoEnd: null,
                    [new AaiProxy.Groups.Import.ImportedSession("BL01", now.AddDays(-10 - i).ToString("O"), now.AddDays(-9 - i).ToString("O"), location)],
                    [new AaiProxy.Groups.Import.ImportedPerson(null, alice, null, ["pi"], location)], location))], []);
                var outcome = await admin.ImportAsync(AaiProxy.Server.Groups.Management.ManagementActor.UserOffice("test", [facility]), facility, document, CancellationToken.None);
                Assert.IsType<AaiProxy.Server.Groups.Management.Outcome<AaiProxy.Server.Groups.Management.ImportSummary>.Ok>(outcome);
            }
        }

        var tokens = await _oidc.CodeFlowAsync("alice", GroupClaimsTests.GroupScopes);

        foreach (var name in new[] { "id_token", "access_token" })
        {
            var jwt = tokens.GetProperty(name).GetString()!;
            Assert.True(jwt.Length < 8 * 1024, $"{name} has {jwt.Length} bytes");
            var payload = ClaimTableTests.Payload(jwt);
            var entitlements = ClaimTableTests.Strings(payload.GetProperty("eduperson_entitlement"));
            Assert.Contains(entitlements, value => value!.StartsWith(GroupClaimsTests.EntitlementPrefix + "DEMO-2030-", StringComparison.Ordinal));
            Assert.DoesNotContain(entitlements, value => value!.Contains(":pan:other", StringComparison.Ordinal));
            Assert.All(payload.GetProperty("proposals").EnumerateArray(), proposal => Assert.Equal("demo", proposal.GetProperty("facility").GetString()));
        }
    }
}
