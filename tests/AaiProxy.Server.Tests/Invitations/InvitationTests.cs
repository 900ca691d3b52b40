using System.Net;
using System.Text.RegularExpressions;
using AaiProxy.Data;
using AaiProxy.Groups;
using AaiProxy.Groups.Management;
using AaiProxy.Identity;
using AaiProxy.Server.Tests.Infrastructure;
using AaiProxy.Tests.Shared;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace AaiProxy.Server.Tests.Invitations;

/// <summary>Invitations by e-mail end to end: the admin page, the mail at the real SMTP sink, the acceptance page.</summary>
public sealed partial class InvitationTests(ProxyFixture fixture) : IClassFixture<ProxyFixture>
{
    private const string EmbargoedProposal = "DEMO-2026-017";
    private const string ProposalPage = "/admin/proposals/demo/" + EmbargoedProposal;

    [SkippableFact]
    public async Task A_pi_invites_by_email_and_the_invitee_joins_the_team_once_after_signing_in()
    {
        await using var factory = new ProxyFactory(fixture.Database, overrides: SmtpSink.ProxySettings);
        var recipient = SmtpSink.UniqueRecipient("carol");
        var alice = new GroupPagesBrowser(factory);
        var proposalPage = await alice.PageAsync(ProposalPage, "alice");

        using var invited = await alice.SubmitAsync(proposalPage, GroupPagesBrowser.Action(proposalPage, "/invite"), ("email", recipient), ("roles", "co-proposer"));

        Assert.Equal(HttpStatusCode.Redirect, invited.StatusCode);
        Assert.EndsWith("?done=invited", invited.Headers.Location!.OriginalString);
        var mail = Assert.Single(SmtpSink.MessagesTo(recipient));
        Assert.Contains(EmbargoedProposal, mail.Subject);
        var link = new Uri(InvitationLink().Match(mail.TextBody!).Value);
        Assert.Contains(WebUtility.HtmlEncode(link.AbsoluteUri), mail.HtmlBody);

        var carol = new GroupPagesBrowser(factory);
        var invitationPage = await carol.PageAsync(link.AbsolutePath, "carol");
        Assert.Contains("co-proposer", invitationPage);
        using var accepted = await carol.SubmitAsync(invitationPage, link.AbsolutePath);
        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
        Assert.Contains("data-testid=\"invitation-accepted\"", await accepted.Content.ReadAsStringAsync());

        using var again = await carol.SubmitAsync(invitationPage, link.AbsolutePath);
        Assert.Equal(HttpStatusCode.Gone, again.StatusCode);
        Assert.Contains("has been accepted already", await again.Content.ReadAsStringAsync());

        using var scope = factory.Services.CreateScope();
        var stored = (await scope.ServiceProvider.GetRequiredService<IGroupDirectory>().FindProposalAsync(new ProposalKey("demo", EmbargoedProposal), CancellationToken.None))!;
        var carolId = Assert.Single(stored.Proposal.Team, member => member.Roles.Contains(GroupRoles.CoProposer) && member.Roles.Roles.Count == 1).AccountId;
        var membership = await scope.ServiceProvider.GetRequiredService<IGroupDirectory>().FindMembershipAsync(stored.TeamGroupId, carolId, CancellationToken.None);
        Assert.Equal(MembershipStatus.Active, membership!.Status);
        var actions = await scope.ServiceProvider.GetRequiredService<ProxyDbContext>().AuditEvents.AsNoTracking()
            .Where(e => e.Action.StartsWith("invitation.") && e.Details.Contains(recipient)).Select(e => e.Action).ToListAsync();
        Assert.Equal(["invitation.accepted", "invitation.requested"], actions.Order());
    }

    [Fact]
    public async Task A_demo_person_who_accepted_an_invitation_stays_on_the_team_when_signing_in_again()
    {
        var token = await StoreInvitationAsync(expiresIn: TimeSpan.FromDays(1));
        var carol = new GroupPagesBrowser(fixture.Factory);
        var page = await carol.PageAsync($"/invitations/{token}", "carol");
        using (var accepted = await carol.SubmitAsync(page, $"/invitations/{token}"))
            Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
        var carolId = (await InvitationAsync(token)).AcceptedBy!;

        await new GroupPagesBrowser(fixture.Factory).PageAsync($"/invitations/{await StoreInvitationAsync(TimeSpan.FromDays(1))}", "carol");

        using var scope = fixture.Factory.Services.CreateScope();
        var stored = (await scope.ServiceProvider.GetRequiredService<IGroupDirectory>().FindProposalAsync(new ProposalKey("demo", EmbargoedProposal), CancellationToken.None))!;
        Assert.Contains(stored.Proposal.Team, member => member.AccountId == carolId && member.Roles.Contains("data-access"));
    }

    [Fact]
    public async Task The_store_saves_two_acceptances_of_one_invitation_only_once()
    {
        var invitation = await InvitationAsync(await StoreInvitationAsync(TimeSpan.FromDays(1)));
        string accountId;
        using (var scope = fixture.Factory.Services.CreateScope())
            accountId = (await scope.ServiceProvider.GetRequiredService<ICommunityAccountResolver>().ResolveAsync(new UpstreamIdentity(
                UpstreamProtocols.Saml2, "https://idp.invitation-test.example.org/idp", $"{Guid.NewGuid():N}@invitation-test.example.org",
                InternalAttributes.SubjectId, new Dictionary<string, IReadOnlyList<string>>(), new UpstreamAuthentication(DateTimeOffset.UtcNow, null)),
                CancellationToken.None)).Account.Id;
        InvitationAcceptance acceptance;
        using (var scope = fixture.Factory.Services.CreateScope())
        {
            var proposal = (await scope.ServiceProvider.GetRequiredService<IGroupDirectory>().FindProposalAsync(invitation.Proposal!.Value, CancellationToken.None))!.Proposal;
            // Both computed while the invitation was pending, as two racing requests would.
            acceptance = InvitationRules.Accept(invitation, accountId, DateTimeOffset.UtcNow, proposal, null);
        }

        var saved = new List<bool>();
        foreach (var _ in new[] { 1, 2 })
        {
            using var scope = fixture.Factory.Services.CreateScope();
            saved.Add(await scope.ServiceProvider.GetRequiredService<IInvitationStore>().SaveAcceptanceAsync(acceptance, "test:acceptor", CancellationToken.None));
        }

        Assert.Equal([true, false], saved);
        Assert.Equal(accountId, (await InvitationAsync(invitation)).AcceptedBy);
    }

    [Fact]
    public async Task An_expired_invitation_link_gets_a_page_that_says_so_and_changes_nothing()
    {
        var token = await StoreInvitationAsync(expiresIn: TimeSpan.FromMinutes(-1));
        var carol = new GroupPagesBrowser(fixture.Factory);

        using var response = await carol.Http.GetAsync($"/invitations/{token}");

        Assert.Equal(HttpStatusCode.Gone, response.StatusCode);
        Assert.Contains("This invitation has expired", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task An_unknown_invitation_link_is_a_page_that_says_so()
    {
        using var response = await new GroupPagesBrowser(fixture.Factory).Http.GetAsync("/invitations/no-such-token");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains("This invitation link is not known", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Accepting_without_the_pages_antiforgery_token_is_refused()
    {
        var token = await StoreInvitationAsync(expiresIn: TimeSpan.FromDays(1));
        var carol = new GroupPagesBrowser(fixture.Factory);
        await carol.PageAsync($"/invitations/{token}", "carol");

        using var response = await carol.Http.PostAsync($"/invitations/{token}", new FormUrlEncodedContent([]));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Null((await InvitationAsync(token)).AcceptedBy);
    }

    [Fact]
    public async Task Admin_pages_send_a_session_without_mfa_to_an_mfa_login()
    {
        var token = await StoreInvitationAsync(expiresIn: TimeSpan.FromDays(1));
        var bob = new GroupPagesBrowser(fixture.Factory);
        await bob.PageAsync($"/invitations/{token}", "bob"); // a session, signed in without multi-factor

        using var admin = await bob.Http.GetAsync("/admin");

        Assert.Equal(HttpStatusCode.Redirect, admin.StatusCode);
        Assert.True(UpstreamLogin.IsUpstreamLoginStart(bob.Absolute(admin.Headers.Location!)), admin.Headers.Location!.ToString());
    }

    [Fact]
    public async Task Without_required_mfa_a_person_who_does_not_manage_the_proposal_may_not_invite_to_it()
    {
        await using var factory = new ProxyFactory(fixture.Database, overrides: new Dictionary<string, string> { ["AaiProxy:Admin:RequireMfa"] = "false" });
        var bob = new GroupPagesBrowser(factory);
        using var scope = factory.Services.CreateScope();
        var facilityGroup = (await scope.ServiceProvider.GetRequiredService<IGroupDirectory>().FindGroupByPathAsync(GroupPath.Of("pan", "demo"), CancellationToken.None))!;
        var facilityPage = await bob.PageAsync($"/admin/groups/{facilityGroup.Id}", "bob"); // visible to him: it offers to ask to join
        var teamGroupId = (await InvitationAsync(await StoreInvitationAsync(TimeSpan.FromDays(1)))).GroupId;

        using var response = await bob.SubmitAsync(facilityPage, $"/admin/groups/{teamGroupId}/invite", ("email", "someone@example.org"), ("roles", "co-proposer"));

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    /// <summary>An invitation onto the embargoed proposal's team, stored directly; returns the link's token.</summary>
    private async Task<string> StoreInvitationAsync(TimeSpan expiresIn)
    {
        using var scope = fixture.Factory.Services.CreateScope();
        var key = new ProposalKey("demo", EmbargoedProposal);
        var stored = (await scope.ServiceProvider.GetRequiredService<IGroupDirectory>().FindProposalAsync(key, CancellationToken.None))!;
        var (token, hash) = InvitationTokens.Create();
        await scope.ServiceProvider.GetRequiredService<IInvitationStore>().CreateAsync(
            new Invitation(Guid.NewGuid().ToString("N"), stored.TeamGroupId, key, "invitee@example.org", RoleSet.Of("data-access"), "test:inviter",
                DateTimeOffset.UtcNow + expiresIn, InvitationState.Pending, null),
            hash, "test:inviter", CancellationToken.None);
        return token;
    }

    private async Task<Invitation> InvitationAsync(Invitation invitation)
    {
        using var scope = fixture.Factory.Services.CreateScope();
        var row = await scope.ServiceProvider.GetRequiredService<ProxyDbContext>().Invitations.AsNoTracking().SingleAsync(i => i.Id == invitation.Id);
        return invitation with { State = Enum.Parse<InvitationState>(row.State), AcceptedBy = row.AcceptedBy };
    }

    private async Task<Invitation> InvitationAsync(string token)
    {
        using var scope = fixture.Factory.Services.CreateScope();
        return (await scope.ServiceProvider.GetRequiredService<IInvitationStore>().FindByTokenHashAsync(InvitationTokens.Hash(token), CancellationToken.None))!;
    }

    [GeneratedRegex(@"http://localhost/invitations/\S+")]
    private static partial Regex InvitationLink();
}
