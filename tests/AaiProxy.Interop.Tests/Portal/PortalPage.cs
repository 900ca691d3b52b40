using Microsoft.Playwright;

namespace AaiProxy.Interop.Tests.Portal;

/// <summary>
/// The DOM contract the interop tests rely on (the server's pages must keep it):
/// <list type="bullet">
/// <item>Demo data portal <c>/demo/portal</c>: a sign-in control <c>[data-testid="sign-in"]</c>; after
/// sign-in, one section per token, <c>[data-token="id_token"]</c>, <c>[data-token="userinfo"]</c> and,
/// when the access token is a JWT, <c>[data-token="access_token"]</c>; inside each, one element per
/// claim value <c>[data-claim="NAME"]</c> whose text is that value (an array claim gives one element
/// per item); and a sign-out control <c>[data-testid="sign-out"]</c> (OIDC RP-initiated logout).</item>
/// <item>IdP choice page (only if the proxy shows one): each IdP is a clickable element carrying
/// <c>data-idp-entity-id="ENTITY ID"</c>.</item>
/// <item>Error page: the correlation id in an element <c>[data-correlation-id]</c>.</item>
/// </list>
/// </summary>
internal sealed class PortalPage(IPage page, Uri proxyBaseUrl)
{
    public const string Path = "/demo/portal";

    /// <summary>
    /// Waits end when the page's address is the one expected, not at its load event: the next step waits for the element it
    /// needs. A wait for the load event once timed out in CI on the proxy's IdP choice page although it was there (its
    /// address committed, the network idle), failing a login that had worked.
    /// </summary>
    internal static readonly PageWaitForURLOptions Committed = new() { WaitUntil = WaitUntilState.Commit };

    public async Task OpenAsync() => await page.GotoAsync(new Uri(proxyBaseUrl, Path).ToString());

    public async Task SignInAsync() => await page.Locator("[data-testid=\"sign-in\"]").ClickAsync();

    public async Task SignOutAsync() => await page.Locator("[data-testid=\"sign-out\"]").ClickAsync();

    /// <summary>Waits until the browser is back on the portal's start page, signed out (the sign-in control shown).</summary>
    public async Task WaitForSignedOutAsync()
    {
        await page.WaitForURLAsync(url => IsPortal(url) && new Uri(url).AbsolutePath.TrimEnd('/') == Path, Committed);
        await page.Locator("[data-testid=\"sign-in\"]").WaitForAsync();
    }

    /// <summary>Clicks the IdP on the proxy's choice page, when the proxy shows one.</summary>
    public async Task ChooseIdentityProviderIfAskedAsync(string entityId, string idpOrigin)
    {
        await page.WaitForURLAsync(url => url.StartsWith(idpOrigin, StringComparison.Ordinal)
            || (url.StartsWith(proxyBaseUrl.ToString(), StringComparison.Ordinal) && !url.Contains(Path, StringComparison.Ordinal)), Committed);
        if (page.Url.StartsWith(idpOrigin, StringComparison.Ordinal))
        {
            return;
        }

        await page.Locator($"[data-idp-entity-id=\"{entityId}\"]").ClickAsync();
    }

    /// <summary>Waits until the browser is back on the portal with an ID token shown.</summary>
    public async Task WaitForTokensAsync()
    {
        await page.WaitForURLAsync(IsPortal, Committed);
        await page.Locator("[data-token=\"id_token\"]").WaitForAsync();
    }

    private bool IsPortal(string url) =>
        new Uri(url).AbsolutePath.StartsWith(Path, StringComparison.Ordinal) && url.StartsWith(proxyBaseUrl.ToString(), StringComparison.Ordinal);

    /// <summary>Every value of a claim shown anywhere on the page (any token section).</summary>
    public async Task<IReadOnlyList<string>> ClaimValuesAsync(string claim) =>
        (await page.Locator($"[data-claim=\"{claim}\"]").AllTextContentsAsync()).Select(value => value.Trim()).ToList();

    /// <summary>The values of a claim in one token section.</summary>
    public async Task<IReadOnlyList<string>> ClaimValuesAsync(string token, string claim) =>
        (await page.Locator($"[data-token=\"{token}\"] [data-claim=\"{claim}\"]").AllTextContentsAsync())
            .Select(value => value.Trim()).ToList();

    /// <summary>The proxy's error correlation id, if the page shows one (for failure messages).</summary>
    public async Task<string?> CorrelationIdAsync()
    {
        var element = page.Locator("[data-correlation-id]");
        return await element.CountAsync() > 0 ? await element.First.TextContentAsync() : null;
    }
}
