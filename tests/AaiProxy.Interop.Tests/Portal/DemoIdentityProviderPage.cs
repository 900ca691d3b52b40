using Microsoft.Playwright;

namespace AaiProxy.Interop.Tests.Portal;

/// <summary>The embedded demo IdP's page (<c>/demo-idp/sso</c>): one button per demo person, <c>[data-user="NAME"]</c>.</summary>
internal sealed class DemoIdentityProviderPage(IPage page)
{
    public async Task WaitAsync() => await page.WaitForURLAsync(url => new Uri(url).AbsolutePath == "/demo-idp/sso", PortalPage.Committed);

    public async Task SignInAsAsync(string username) => await page.Locator($"[data-user=\"{username}\"]").ClickAsync();
}
