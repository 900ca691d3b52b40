using AaiProxy.Interop.Tests.Harness;
using AaiProxy.Interop.Tests.Portal;
using Microsoft.Playwright;

namespace AaiProxy.Interop.Tests.RelyingParties;

/// <summary>
/// Issue 19, must show 1 (and 5 with a real relying party): Apache httpd with mod_auth_openidc (Debian) protects a
/// location with <c>Require claim eduperson_entitlement:&lt;proposal P&gt;</c>. Chromium signs in through the proxy
/// (demo IdP) as Alice, PI of the demo proposal P, and reads the page; Apache's logout ends the proxy session; signing
/// out at the proxy alone ends Apache's session through back-channel logout; Carol, on no team, gets 403.
/// </summary>
public sealed class ApacheModAuthOpenIdcTests(ITestOutputHelper output)
{
    /// <summary>Membership of the demo facility's embargoed proposal DEMO-2026-017 (AARC-G069), which Alice holds as PI.</summary>
    private const string ProposalMembership = "urn:mace:aaiproxy.example.org:group:pan:demo:DEMO-2026-017:role=member#aaiproxy.example.org";

    private static readonly TimeSpan DeliveryTimeout = TimeSpan.FromSeconds(30);

    /// <summary>The proxy's log line (event 2101) for a logout token Apache answered with 2xx.</summary>
    private static readonly string Delivered = $"Logout token delivered to client {ApacheRelyingParty.ClientId}";

    [SkippableFact]
    public async Task A_member_of_the_proposal_reads_the_page_a_non_member_gets_403_and_either_side_ending_the_session_ends_both()
    {
        await using var apache = new ApacheRelyingParty(output, Path.Combine(Path.GetTempPath(), $"aaiproxy-apache-{Guid.NewGuid():N}"));
        await using var stack = await DemoStack.StartAsync(output, apache.ClientSettings());
        await apache.StartAsync(stack.Proxy.BaseUrl, ProposalMembership);
        await stack.RunAsync(nameof(A_member_of_the_proposal_reads_the_page_a_non_member_gets_403_and_either_side_ending_the_session_ends_both), async page =>
        {
            var idp = new DemoIdentityProviderPage(page);

            // Alice signs in through the proxy and reads the protected page.
            await page.GotoAsync(apache.ProtectedUrl.ToString());
            await idp.WaitAsync();
            await idp.SignInAsAsync("alice");
            await ReadsProtectedPageAsync(page, apache);

            // Apache's logout: its session ends, then the proxy's (end-session with id_token_hint), back to Apache's page.
            // The proxy's logout token for that session reaches Apache too, which no longer has it (answered 200).
            await page.GotoAsync(apache.LogoutUrl);
            await page.WaitForURLAsync(apache.LoggedOutUrl.ToString());
            Assert.True(await stack.Proxy.WaitForLogAsync(Delivered, DeliveryTimeout), ApacheLog(apache));
            await page.GotoAsync(apache.ProtectedUrl.ToString());
            await idp.WaitAsync(); // the proxy needs the IdP again: its session is gone

            // Signed in again; this time the person signs out at the proxy, and Apache hears of it by back-channel logout.
            await idp.SignInAsAsync("alice");
            await ReadsProtectedPageAsync(page, apache);
            await page.GotoAsync(new Uri(stack.Proxy.BaseUrl, "/connect/logout").ToString());
            await page.Locator("[data-testid=\"confirm-sign-out\"]").ClickAsync();
            Assert.True(await stack.Proxy.WaitForLogAsync(Delivered, DeliveryTimeout, occurrences: 2), ApacheLog(apache));
            await page.GotoAsync(apache.ProtectedUrl.ToString());
            await idp.WaitAsync(); // Apache's session ended too: it sent the browser to the proxy, which needs the IdP

            // Carol, on no proposal team, signs in: Apache refuses her with 403.
            var response = await page.RunAndWaitForResponseAsync(() => idp.SignInAsAsync("carol"),
                candidate => candidate.Url == apache.ProtectedUrl.ToString());
            Assert.Equal(403, response.Status);
            apache.MarkPassed();
        });
    }

    private static string ApacheLog(ApacheRelyingParty apache) =>
        $"Apache did not accept the logout token within {DeliveryTimeout}; its log: {apache.ErrorLog}\n{ProxyProcess.Tail(apache.ErrorLog, 15)}";

    private static async Task ReadsProtectedPageAsync(IPage page, ApacheRelyingParty apache)
    {
        await page.WaitForURLAsync(apache.ProtectedUrl.ToString());
        Assert.Equal("Proposal data for members of the proposal.", (await page.Locator("[data-testid=\"protected\"]").TextContentAsync())?.Trim());
    }
}
