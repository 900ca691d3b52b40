using AaiProxy.Interop.Tests.Harness;
using AaiProxy.Interop.Tests.Portal;

namespace AaiProxy.Interop.Tests;

/// <summary>
/// The account administration pages in Chromium: Alice signs in (with multi-factor) on a first run, the proxy restarts
/// with her community id as platform admin, and the search, an account's page and the merge confirmation pass axe-core's
/// WCAG 2.1 AA rules.
/// </summary>
public sealed class AccountAdminBrowserTests(ITestOutputHelper output)
{
    [SkippableFact]
    public async Task The_account_search_account_and_merge_confirmation_pages_pass_axe()
    {
        await using var stack = await DemoStack.StartAsync(output);
        await stack.RunAsync(nameof(The_account_search_account_and_merge_confirmation_pages_pass_axe), async page =>
        {
            var portal = new PortalPage(page, stack.Proxy.BaseUrl);
            var bob = await SignInAsync(page, portal, "bob");
            await page.Context.ClearCookiesAsync();
            var alice = await SignInAsync(page, portal, "alice");
            await stack.RestartProxyAsync(new Dictionary<string, string> { ["AaiProxy:Groups:PlatformAdmins:0"] = alice });

            await page.GotoAsync(new Uri(stack.Proxy.BaseUrl, "/admin/accounts?q=bob").ToString());
            var found = page.Locator($"a[href=\"/admin/accounts/{Uri.EscapeDataString(bob)}\"]");
            await found.WaitForAsync();
            await Accessibility.AssertNoViolationsAsync(page, output, "the account search");

            await found.ClickAsync();
            await page.Locator("[data-account-state]").WaitForAsync();
            Assert.Equal("Active", await page.Locator("[data-account-state]").TextContentAsync());
            await Accessibility.AssertNoViolationsAsync(page, output, "an account's page");

            await page.Locator("#target").FillAsync(alice);
            await page.Locator("#merge-account").ClickAsync();
            await page.Locator("[data-merge-confirmation]").WaitForAsync();
            await Accessibility.AssertNoViolationsAsync(page, output, "the merge confirmation");
        });
    }

    private static async Task<string> SignInAsync(Microsoft.Playwright.IPage page, PortalPage portal, string user)
    {
        await portal.OpenAsync();
        await portal.SignInAsync();
        var idp = new DemoIdentityProviderPage(page);
        await idp.WaitAsync();
        await idp.SignInAsAsync(user);
        await portal.WaitForTokensAsync();
        return (await portal.ClaimValuesAsync("id_token", "sub")).Single();
    }
}
