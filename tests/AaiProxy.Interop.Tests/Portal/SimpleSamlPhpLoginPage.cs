using Microsoft.Playwright;

namespace AaiProxy.Interop.Tests.Portal;

/// <summary>SimpleSAMLphp 1.19's exampleauth:UserPass login form (its stock template).</summary>
internal sealed class SimpleSamlPhpLoginPage(IPage page)
{
    public async Task SignInAsync(string username, string password)
    {
        await page.Locator("input[name=\"username\"]").FillAsync(username);
        await page.Locator("input[name=\"password\"]").FillAsync(password);
        // Enter submits the form; SimpleSAMLphp then auto-posts the SAML response to the proxy's ACS.
        await page.Locator("input[name=\"password\"]").PressAsync("Enter");
    }
}
