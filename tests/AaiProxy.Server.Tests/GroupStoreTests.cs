using System.Text;
using AaiProxy.Data;
using AaiProxy.Groups;
using AaiProxy.Groups.Import;
using AaiProxy.Identity;
using AaiProxy.Server.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace AaiProxy.Server.Tests;

/// <summary>The EF Core group store on the real test database (SQLite, or PostgreSQL through test.sh).</summary>
public sealed class GroupStoreTests(ProxyFixture fixture) : IClassFixture<ProxyFixture>
{
    private const string Actor = "test:importer";

    [Fact]
    public async Task Store_round_trips_an_imported_proposal_with_its_team_group_memberships_and_audit_events()
    {
        var (pi, member) = (await AccountAsync("rt-pi"), await AccountAsync("rt-member"));

        var created = Assert.Single((await ImportAsync(Document("DEMO-2025-101", (pi, "pi"), (member, "co-proposer")))).Creates);

        var person = await LoadPersonAsync(pi);
        var membership = Assert.Single(person.Memberships);
        var group = Assert.Single(person.Groups);
        Assert.Equal(created, Assert.Single(person.Proposals));
        Assert.Equal(GroupPath.Of("pan", "demo", "DEMO-2025-101"), group.Path);
        Assert.Equal(GroupKind.Proposal, group.Kind);
        var facility = await FindGroupAsync(group.ParentId!);
        Assert.Equal((GroupPath.Of("pan", "demo"), GroupKind.Facility), (facility.Path, facility.Kind));
        var community = await FindGroupAsync(facility.ParentId!);
        Assert.Equal((GroupPath.Of("pan"), GroupKind.Community, null), (community.Path, community.Kind, community.ParentId));
        Assert.Equal(new Membership(group.Id, pi, RoleSet.Of("pi"), Instant("2025-05-02T08:00:00Z") - TimeSpan.FromDays(30), null, MembershipStatus.Active),
            membership);
        Assert.Equal(
            new[] { ("membership.added", $"membership:{group.Id}/{member}"), ("membership.added", $"membership:{group.Id}/{pi}"), ("proposal.created", "proposal:demo/DEMO-2025-101") }.Order(),
            await AuditAsync(group.Id, "proposal:demo/DEMO-2025-101"));
    }

    [Fact]
    public async Task Importing_the_same_document_again_plans_nothing_and_writes_nothing()
    {
        var pi = await AccountAsync("again-pi");
        await ImportAsync(Document("DEMO-2025-102", (pi, "pi")));

        var again = await PlanAsync(Document("DEMO-2025-102", (pi, "pi")));

        Assert.True(again.IsEmpty);
        Assert.Equal(1, again.Unchanged);
    }

    [Fact]
    public async Task A_person_dropped_from_the_team_has_their_membership_ended_never_deleted_and_audited()
    {
        var (pi, dropped) = (await AccountAsync("drop-pi"), await AccountAsync("drop-member"));
        await ImportAsync(Document("DEMO-2025-103", (pi, "pi"), (dropped, "co-proposer")));

        var update = Assert.Single((await ImportAsync(Document("DEMO-2025-103", (pi, "pi")))).Updates);

        var person = await LoadPersonAsync(dropped);
        var membership = Assert.Single(person.Memberships);
        Assert.Equal(MembershipStatus.Expired, membership.Status);
        Assert.Empty(PersonAccess.At(person, Facilities(), DateTimeOffset.UtcNow));
        Assert.Equal([pi], update.After.Team.Select(m => m.AccountId));
        Assert.Contains(("membership.ended", $"membership:{membership.GroupId}/{dropped}"), await AuditAsync(membership.GroupId, "proposal:demo/DEMO-2025-103"));
    }

    [Fact]
    public async Task A_person_named_by_an_unknown_email_becomes_one_stored_invitation_request_that_a_second_import_finds()
    {
        var document = JsonProposalReader.Read(Encoding.UTF8.GetBytes(
            """{"proposals":[{"facility":"demo","id":"DEMO-2025-104","title":"Invite","sessions":[],"team":[{"email":"Nobody@Example.org","roles":["pi"]}]}]}"""));

        var first = await ImportAsync(document);
        var again = await PlanAsync(document);

        Assert.Equal(("nobody@example.org", RoleSet.Of("pi")), (Assert.Single(first.Invitations).Email, first.Invitations[0].Roles));
        Assert.True(again.IsEmpty);
        using var scope = fixture.Factory.Services.CreateScope();
        var request = Assert.Single(await scope.ServiceProvider.GetRequiredService<IInvitationStore>().UnsentAsync(100, CancellationToken.None),
            r => r.Request.Proposal == new ProposalKey("demo", "DEMO-2025-104"));
        Assert.Equal(("nobody@example.org", Actor), (request.Request.Email, request.InvitedBy));
        Assert.Contains(("invitation.requested", "proposal:demo/DEMO-2025-104"), await AuditAsync("none", "proposal:demo/DEMO-2025-104"));
    }

    [Fact]
    public async Task An_issued_invitation_is_found_by_its_token_hash_and_accepted_once_only()
    {
        var document = JsonProposalReader.Read(Encoding.UTF8.GetBytes(
            """{"proposals":[{"facility":"demo","id":"DEMO-2025-105","title":"Accept","sessions":[],"team":[{"email":"invitee@example.org","roles":["co-proposer"]}]}]}"""));
        await ImportAsync(document);
        var invitee = await AccountAsync("invitee");
        using var scope = fixture.Factory.Services.CreateScope();
        var store = scope.ServiceProvider.GetRequiredService<IInvitationStore>();
        var request = (await store.UnsentAsync(100, CancellationToken.None)).Single(r => r.Request.Proposal.ProposalId == "DEMO-2025-105");
        var (_, hash) = InvitationTokens.Create();

        Assert.True(await store.IssueAsync(request.Id, hash, DateTimeOffset.UtcNow.AddDays(14), CancellationToken.None));
        Assert.False(await store.IssueAsync(request.Id, hash, DateTimeOffset.UtcNow.AddDays(14), CancellationToken.None));
        var invitation = (await store.FindByTokenHashAsync(hash, CancellationToken.None))!;
        var proposal = (await LoadStateAsync(document)).Proposals[new ProposalKey("demo", "DEMO-2025-105")];
        var acceptance = InvitationRules.Accept(invitation, invitee, DateTimeOffset.UtcNow, proposal, null);

        Assert.True(await store.SaveAcceptanceAsync(acceptance, $"account:{invitee}", CancellationToken.None));
        Assert.False(await store.SaveAcceptanceAsync(acceptance, $"account:{invitee}", CancellationToken.None));
        Assert.Equal([invitee], (await LoadStateAsync(document)).Proposals[proposal.Key].Team.Select(m => m.AccountId));
        Assert.True((await PlanAsync(document)).IsEmpty);
    }

    private async Task<ImportState> LoadStateAsync(ImportDocument document)
    {
        using var scope = fixture.Factory.Services.CreateScope();
        return await scope.ServiceProvider.GetRequiredService<IProposalStore>().LoadImportStateAsync(document.Proposals, CancellationToken.None);
    }

    private static ImportDocument Document(string proposalId, params (string Account, string Role)[] team) =>
        JsonProposalReader.Read(Encoding.UTF8.GetBytes($$"""
            {"proposals":[{"facility":"demo","id":"{{proposalId}}","title":"Store test",
              "sessions":[{"instrument":"BL01","start":"2025-05-02T08:00:00Z","end":"2025-05-04T08:00:00Z"}],
              "team":[{{string.Join(',', team.Select(m => $$"""{"community_id":"{{m.Account}}","roles":["{{m.Role}}"]}"""))}}]}]}
            """));

    private async Task<ProposalImportPlan> PlanAsync(ImportDocument document)
    {
        using var scope = fixture.Factory.Services.CreateScope();
        var state = await scope.ServiceProvider.GetRequiredService<IProposalStore>().LoadImportStateAsync(document.Proposals, CancellationToken.None);
        var plan = ProposalImportPlanner.Plan(document, state, Facilities(), RoleCatalog.Default);
        Assert.True(plan.IsValid, string.Join("; ", plan.Problems));
        return plan;
    }

    private async Task<ProposalImportPlan> ImportAsync(ImportDocument document)
    {
        var plan = await PlanAsync(document);
        using var scope = fixture.Factory.Services.CreateScope();
        await scope.ServiceProvider.GetRequiredService<IProposalStore>().ApplyAsync(plan, Actor, CancellationToken.None);
        return plan;
    }

    private async Task<PersonGroups> LoadPersonAsync(string accountId)
    {
        using var scope = fixture.Factory.Services.CreateScope();
        return await scope.ServiceProvider.GetRequiredService<IGroupReader>().LoadPersonAsync(accountId, CancellationToken.None);
    }

    private async Task<Group> FindGroupAsync(string groupId)
    {
        using var scope = fixture.Factory.Services.CreateScope();
        return (await scope.ServiceProvider.GetRequiredService<IGroupReader>().FindGroupAsync(groupId, CancellationToken.None))!;
    }

    private FacilityCatalog Facilities() => fixture.Factory.Services.GetRequiredService<FacilityCatalog>();

    private async Task<string> AccountAsync(string name)
    {
        using var scope = fixture.Factory.Services.CreateScope();
        var resolved = await scope.ServiceProvider.GetRequiredService<ICommunityAccountResolver>().ResolveAsync(new UpstreamIdentity(
            UpstreamProtocols.Saml2, "https://idp.store-test.example.org/idp", $"{name}@store-test.example.org", InternalAttributes.SubjectId,
            new Dictionary<string, IReadOnlyList<string>>(), new UpstreamAuthentication(DateTimeOffset.UtcNow, null)), CancellationToken.None);
        return resolved.Account.Id;
    }

    /// <summary>(action, target) of the audit events about a team group's memberships and a proposal, by this test's actor.</summary>
    private async Task<List<(string, string)>> AuditAsync(string groupId, string proposalTarget)
    {
        using var scope = fixture.Factory.Services.CreateScope();
        var events = await scope.ServiceProvider.GetRequiredService<ProxyDbContext>().AuditEvents.AsNoTracking()
            .Where(e => e.Actor == Actor && (e.Target == proposalTarget || e.Target.StartsWith($"membership:{groupId}/")))
            .Select(e => new { e.Action, e.Target }).ToListAsync();
        return [.. events.Select(e => (e.Action, e.Target)).Order()];
    }

    private static DateTimeOffset Instant(string value) => DateTimeOffset.Parse(value, System.Globalization.CultureInfo.InvariantCulture);
}
