using AaiProxy.Interop.Tests.Harness;
using AaiProxy.Interop.Tests.Portal;

namespace AaiProxy.Interop.Tests;

/// <summary>
/// The pages people see share one layout and pass axe-core's WCAG 2.1 A/AA rules in Chromium: the demo
/// portal before and after sign-in, the demo IdP, the sign-out confirmation, the demo mailbox and the
/// error page. (Login, discovery, registration, account and admin pages are checked by their own tests.)
/// </summary>
public sealed class PageAccessibilityTests(ITestOutputHelper output)
{
    [SkippableFact]
    public async Task Demo_pages_along_a_sign_in_and_the_error_page_pass_axe_wcag21_aa()
    {
        await using var stack = await DemoStack.StartAsync(output);
        await stack.RunAsync(nameof(Demo_pages_along_a_sign_in_and_the_error_page_pass_axe_wcag21_aa), async page =>
        {
            var portal = new PortalPage(page, stack.Proxy.BaseUrl);
            await portal.OpenAsync();
            await Accessibility.AssertNoViolationsAsync(page, output, "the demo portal's start page");

            await portal.SignInAsync();
            var idp = new DemoIdentityProviderPage(page);
            await idp.WaitAsync();
            await Accessibility.AssertNoViolationsAsync(page, output, "the demo IdP");
            await idp.SignInAsAsync("bob");
            await portal.WaitForTokensAsync();
            await Accessibility.AssertNoViolationsAsync(page, output, "the demo portal with tokens");

            await page.GotoAsync(new Uri(stack.Proxy.BaseUrl, "/connect/logout").ToString());
            await page.Locator("[data-testid=\"confirm-sign-out\"]").WaitForAsync();
            await Accessibility.AssertNoViolationsAsync(page, output, "the sign-out confirmation");

            await page.GotoAsync(new Uri(stack.Proxy.BaseUrl, "/demo/mailbox").ToString());
            await Accessibility.AssertNoViolationsAsync(page, output, "the demo mailbox");

            await page.GotoAsync(new Uri(stack.Proxy.BaseUrl, "/connect/authorize?client_id=nobody&response_type=code").ToString());
            Assert.False(string.IsNullOrEmpty(await portal.CorrelationIdAsync()));
            await Accessibility.AssertNoViolationsAsync(page, output, "the error page");
        });
    }

    [SkippableFact]
    public async Task The_layout_carries_the_operators_name_colours_and_footer_links()
    {
        await using var stack = await DemoStack.StartAsync(output, new Dictionary<string, string>
        {
            ["AaiProxy:Branding:ProductName"] = "PaN Photon AAI",
            ["AaiProxy:Branding:PrimaryColor"] = "#6a1b9a",
            ["AaiProxy:Branding:FooterText"] = "Operated by the Example Light Source",
            ["AaiProxy:Branding:Links:0:Text"] = "Privacy notice",
            ["AaiProxy:Branding:Links:0:Url"] = "https://light.example.org/privacy",
        });
        await stack.RunAsync(nameof(The_layout_carries_the_operators_name_colours_and_footer_links), async page =>
        {
            await new PortalPage(page, stack.Proxy.BaseUrl).OpenAsync();

            Assert.EndsWith("· PaN Photon AAI", await page.TitleAsync());
            Assert.Equal("PaN Photon AAI", (await page.Locator("header .brand").TextContentAsync())?.Trim());
            Assert.Equal("Operated by the Example Light Source", (await page.Locator("footer p").TextContentAsync())?.Trim());
            Assert.Equal("https://light.example.org/privacy", await page.Locator("footer a").GetAttributeAsync("href"));
            var linkColour = await page.EvaluateAsync<string>("() => getComputedStyle(document.querySelector('main a')).color");
            Assert.Equal("rgb(106, 27, 154)", linkColour);
            await Accessibility.AssertNoViolationsAsync(page, output, "the branded demo portal");
        });
    }
}
