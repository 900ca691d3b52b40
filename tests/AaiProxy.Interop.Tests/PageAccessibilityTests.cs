using AaiProxy.Interop.Tests.Harness;
using AaiProxy.Interop.Tests.Portal;

namespace AaiProxy.Interop.Tests;

/// <summary>
/// The pages people see share one layout and pass axe-core's WCAG 2.1 A/AA rules in Chromium: the demo
/// portal before and after sign-in, the demo IdP, the sign-out confirmation, the demo mailbox and the
/// error page; the client onboarding pages of the admin UI (list, registration, a client's page, the secret shown once).
/// (Login, discovery, registration, account and the other admin pages are checked by their own tests.)
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
    public async Task Client_onboarding_pages_pass_axe_wcag21_aa_and_show_a_new_secret_once()
    {
        await using var stack = await DemoStack.StartAsync(output);
        await stack.RunAsync(nameof(Client_onboarding_pages_pass_axe_wcag21_aa_and_show_a_new_secret_once), async page =>
        {
            var portal = new PortalPage(page, stack.Proxy.BaseUrl);
            await portal.OpenAsync();
            await portal.SignInAsync();
            var idp = new DemoIdentityProviderPage(page);
            await idp.WaitAsync();
            await idp.SignInAsAsync("alice"); // multi-factor, as the admin pages require
            await portal.WaitForTokensAsync();
            var alice = (await portal.ClaimValuesAsync("id_token", "sub")).Single();
            await stack.RestartProxyAsync(new Dictionary<string, string> { ["AaiProxy:Groups:PlatformAdmins:0"] = alice });

            await page.GotoAsync(new Uri(stack.Proxy.BaseUrl, "/admin/clients").ToString());
            await page.Locator("a[href=\"/admin/clients/demo-portal\"]").WaitForAsync();
            await Accessibility.AssertNoViolationsAsync(page, output, "the client list");

            await page.Locator("#new-client").ClickAsync();
            await page.Locator("#client_id").FillAsync("onboarded-service");
            await Accessibility.AssertNoViolationsAsync(page, output, "the client registration form");
            await page.Locator("#facility").SelectOptionAsync("demo");
            await page.Locator("#redirect_uris").FillAsync("https://service.example.org/callback#not-allowed");
            await page.Locator("#save-client").ClickAsync();
            await page.Locator("[data-testid=\"problem\"]").WaitForAsync();
            await Accessibility.AssertNoViolationsAsync(page, output, "the registration form with a problem");

            await page.Locator("#redirect_uris").FillAsync("https://service.example.org/callback");
            await page.Locator("#save-client").ClickAsync();
            var secret = await page.Locator("[data-testid=\"client-secret\"]").InputValueAsync();
            Assert.True(secret.Length >= 40, secret);
            await Accessibility.AssertNoViolationsAsync(page, output, "the new client's secret");

            await page.GotoAsync(new Uri(stack.Proxy.BaseUrl, "/admin/clients/onboarded-service").ToString());
            Assert.DoesNotContain(secret, await page.ContentAsync());
            await Accessibility.AssertNoViolationsAsync(page, output, "a client's page");
            await page.Locator("#rotate-secret").ClickAsync();
            Assert.NotEqual(secret, await page.Locator("[data-testid=\"client-secret\"]").InputValueAsync());

            await page.GotoAsync(new Uri(stack.Proxy.BaseUrl, "/admin/clients/demo-portal").ToString());
            await page.Locator("[data-testid=\"managed-by-configuration\"]").WaitForAsync();
            await Accessibility.AssertNoViolationsAsync(page, output, "a client managed by configuration");
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
