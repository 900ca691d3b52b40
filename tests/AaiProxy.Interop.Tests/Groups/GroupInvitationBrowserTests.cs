using System.Text.RegularExpressions;
using AaiProxy.Interop.Tests.Harness;
using AaiProxy.Interop.Tests.Portal;
using AaiProxy.Tests.Shared;
using Microsoft.Playwright;

namespace AaiProxy.Interop.Tests.Groups;

/// <summary>
/// Issue 15, "must show" 1: a PI invites a co-proposer by e-mail in the admin pages; the mail arrives at
/// the real SMTP sink; the invitee signs in through the demo IdP and accepts; the demo portal then shows
/// the proposal in <c>eduperson_entitlement</c>, <c>proposals</c> and its plain <c>groups</c> claim.
/// Every admin page on the way and the acceptance page pass axe-core's WCAG 2.1 AA rules.
/// </summary>
public sealed partial class GroupInvitationBrowserTests(ITestOutputHelper output)
{
    private const string Proposal = "DEMO-2026-017";
    private const string Entitlement = "urn:mace:aaiproxy.example.org:group:pan:demo:DEMO-2026-017:role=co-proposer#aaiproxy.example.org";

    [SkippableFact]
    public async Task A_pi_invites_carol_by_email_and_after_accepting_the_portal_shows_her_the_proposal()
    {
        var recipient = SmtpSink.UniqueRecipient("carol");
        await using var stack = await DemoStack.StartAsync(output, SmtpSink.ProxySettings);
        await stack.RunAsync(nameof(A_pi_invites_carol_by_email_and_after_accepting_the_portal_shows_her_the_proposal), async page =>
        {
            // Alice, PI of the embargoed proposal, signs in (with multi-factor, as the admin pages need).
            await page.GotoAsync(Url(stack, "/admin"));
            var idp = new DemoIdentityProviderPage(page);
            await idp.WaitAsync();
            await idp.SignInAsAsync("alice");
            await page.WaitForURLAsync(url => new Uri(url).AbsolutePath == "/admin");
            await Accessibility.AssertNoViolationsAsync(page, output, "my groups and proposals");

            await page.GetByRole(AriaRole.Link, new() { Name = Proposal, Exact = true }).ClickAsync();
            await page.Locator("[data-testid=\"embargo-state\"]").WaitForAsync();
            Assert.Equal("under embargo", (await page.Locator("[data-testid=\"embargo-state\"]").TextContentAsync())?.Trim());
            await Accessibility.AssertNoViolationsAsync(page, output, "the proposal page");

            await page.GetByLabel("E-mail address").FillAsync(recipient);
            await page.GetByLabel("Roles besides member", new() { Exact = false }).FillAsync("co-proposer");
            await page.Locator("[data-testid=\"send-invitation\"]").ClickAsync();
            await page.Locator("[data-testid=\"notice\"]").WaitForAsync();
            await Accessibility.AssertNoViolationsAsync(page, output, "the team group page");

            // The mail at the SMTP sink; its link, followed in a fresh browser session as Carol.
            var mail = Assert.Single(SmtpSink.MessagesTo(recipient));
            var link = InvitationLink().Match(mail.TextBody ?? "").Value;
            Assert.StartsWith(stack.Proxy.BaseUrl.ToString().TrimEnd('/') + "/invitations/", link);
            await page.Context.ClearCookiesAsync();
            await page.GotoAsync(link);
            await idp.WaitAsync();
            await idp.SignInAsAsync("carol");
            await page.Locator("[data-testid=\"accept-invitation\"]").WaitForAsync();
            await Accessibility.AssertNoViolationsAsync(page, output, "the invitation page");
            await page.Locator("[data-testid=\"accept-invitation\"]").ClickAsync();
            await page.Locator("[data-testid=\"invitation-accepted\"]").WaitForAsync();
            await Accessibility.AssertNoViolationsAsync(page, output, "the accepted invitation");

            // Carol at the demo portal (her proxy session signs her in without another login).
            var portal = new PortalPage(page, stack.Proxy.BaseUrl);
            await portal.OpenAsync();
            await portal.SignInAsync();
            await portal.WaitForTokensAsync();
            Assert.Contains(Entitlement, await portal.ClaimValuesAsync("id_token", "eduperson_entitlement"));
            Assert.Contains(await portal.ClaimValuesAsync("userinfo", "proposals"), value => value.Contains($"\"id\":\"{Proposal}\"", StringComparison.Ordinal));
            Assert.Contains(Proposal, await portal.ClaimValuesAsync("id_token", "groups"));
        });
    }

    private static string Url(DemoStack stack, string path) => new Uri(stack.Proxy.BaseUrl, path).ToString();

    [GeneratedRegex(@"http://\S+/invitations/\S+")]
    private static partial Regex InvitationLink();
}
