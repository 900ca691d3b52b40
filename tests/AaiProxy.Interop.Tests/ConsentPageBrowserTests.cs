using AaiProxy.Interop.Tests.Harness;
using AaiProxy.Interop.Tests.Portal;

namespace AaiProxy.Interop.Tests;

/// <summary>
/// The release notice in Chromium, with the demo portal as a client the facility does not run (as config/demo.json has
/// it): shown at the first sign-in, WCAG 2.1 AA by axe-core, Allow leads on to the portal's tokens and the account
/// page lists the consent.
/// </summary>
public sealed class ConsentPageBrowserTests(ITestOutputHelper output)
{
    [SkippableFact]
    public async Task The_release_notice_passes_axe_and_allow_reaches_the_portal_and_the_account_page_lists_the_consent()
    {
        await using var stack = await DemoStack.StartAsync(output, new Dictionary<string, string> { ["AaiProxy:Clients:0:FacilityInternal"] = "false" });
        await stack.RunAsync(nameof(The_release_notice_passes_axe_and_allow_reaches_the_portal_and_the_account_page_lists_the_consent), async page =>
        {
            var portal = new PortalPage(page, stack.Proxy.BaseUrl);
            await portal.OpenAsync();
            await portal.SignInAsync();
            var idp = new DemoIdentityProviderPage(page);
            await idp.WaitAsync();
            await idp.SignInAsAsync("bob");

            var notice = page.Locator("[data-consent-client]");
            await notice.WaitForAsync();
            Assert.Contains("Demo data portal", await notice.TextContentAsync(), StringComparison.Ordinal);
            Assert.NotEmpty(await page.Locator("[data-claim=\"sub\"]").AllTextContentsAsync());
            await Accessibility.AssertNoViolationsAsync(page, output, "the release notice");

            await page.Locator("#consent-allow").ClickAsync();
            await portal.WaitForTokensAsync();

            await page.GotoAsync(new Uri(stack.Proxy.BaseUrl, "/account").ToString());
            await page.Locator("[data-consent=\"demo-portal\"]").WaitForAsync();
            await Accessibility.AssertNoViolationsAsync(page, output, "the account page listing a consent");
        });
    }
}
