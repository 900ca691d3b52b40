using System.Text.RegularExpressions;
using AaiProxy.Interop.Tests.Harness;
using AaiProxy.Interop.Tests.Portal;
using AaiProxy.Tests.Shared;
using Microsoft.Playwright;

namespace AaiProxy.Interop.Tests;

/// <summary>
/// Issue 17, "Must show 1": the demo's new person (Dana) signs in for the first time through the demo IdP, registers
/// (e-mail confirmed through a real SMTP sink, AUP accepted), and the demo portal shows <c>voperson_id</c> and
/// <c>eduperson_assurance</c>; she links node's oidc-provider from her account page, and a later login through that
/// provider alone, in a fresh browser, gives the portal the same <c>sub</c>. The registration and account pages pass axe.
/// </summary>
public sealed partial class RegistrationAndLinkingTests(ITestOutputHelper output)
{
    [SkippableFact]
    public async Task A_new_person_registers_links_the_openid_provider_and_signs_in_through_it_as_the_same_person()
    {
        var email = SmtpSink.UniqueRecipient("dana");
        await using var stack = await RegistrationStack.StartAsync(output);
        await stack.RunAsync(nameof(A_new_person_registers_links_the_openid_provider_and_signs_in_through_it_as_the_same_person), async page =>
        {
            var portal = new PortalPage(page, stack.Proxy.BaseUrl);
            await portal.OpenAsync();
            await portal.SignInAsync();
            await ChooseAsync(page, stack.DemoIdentityProvider);
            var idp = new DemoIdentityProviderPage(page);
            await idp.WaitAsync();
            await idp.SignInAsAsync("dana");

            // Registration: what her IdP released, an address to confirm, the AUP.
            await page.WaitForURLAsync(url => new Uri(url).AbsolutePath == "/account/register");
            await Accessibility.AssertNoViolationsAsync(page, output, "the registration page");
            await page.Locator("#email").FillAsync(email);
            await page.Locator("button[type=submit]", new() { HasText = "Send confirmation link" }).ClickAsync();
            await page.Locator("[data-sent-to]").WaitForAsync();
            var link = VerificationLink().Match(Assert.Single(SmtpSink.MessagesTo(email)).TextBody ?? "").Value;
            await page.GotoAsync(link);
            await page.Locator("[data-verified-email]").WaitForAsync();
            Assert.Equal(email, (await page.Locator("[data-verified-email]").TextContentAsync())!.Trim());
            await page.Locator("#accept").CheckAsync();
            await page.Locator("#confirm").ClickAsync();

            await portal.WaitForTokensAsync();
            var sub = Assert.Single((await portal.ClaimValuesAsync("sub")).Distinct(StringComparer.Ordinal));
            Assert.Contains(sub, await portal.ClaimValuesAsync("voperson_id"));
            Assert.Contains("https://refeds.org/assurance/ID/unique", await portal.ClaimValuesAsync("eduperson_assurance"));

            // Her account page: link the OpenID Provider.
            await page.GotoAsync(new Uri(stack.Proxy.BaseUrl, "/account").ToString());
            await Accessibility.AssertNoViolationsAsync(page, output, "the account page");
            await page.Locator($"[data-link-provider=\"{stack.OpenIdProvider}\"]").ClickAsync();
            var login = "dana-" + Guid.NewGuid().ToString("N")[..8];
            await SignInAtProviderAsync(page, stack, login);
            await page.WaitForURLAsync(url => new Uri(url).AbsolutePath == "/account");
            await page.Locator($"[data-linked-issuer=\"{stack.OpenIdProvider}\"]").WaitForAsync();

            // A fresh browser, through the OpenID Provider alone: the same person.
            var fresh = await page.Context.Browser!.NewContextAsync();
            var again = await fresh.NewPageAsync();
            var portalAgain = new PortalPage(again, stack.Proxy.BaseUrl);
            await portalAgain.OpenAsync();
            await portalAgain.SignInAsync();
            await ChooseAsync(again, stack.OpenIdProvider);
            await SignInAtProviderAsync(again, stack, login);
            await portalAgain.WaitForTokensAsync();
            Assert.Equal(sub, Assert.Single((await portalAgain.ClaimValuesAsync("sub")).Distinct(StringComparer.Ordinal)));
            await fresh.DisposeAsync();
        });
    }

    private static async Task ChooseAsync(IPage page, string provider)
    {
        await page.WaitForURLAsync(url => new Uri(url).AbsolutePath == "/login", PortalPage.Committed);
        await page.Locator($"[data-idp-entity-id=\"{provider}\"]").ClickAsync();
    }

    /// <summary>oidc-provider's devInteractions: a login form (any name, any password), then consent, until it sends the browser back.</summary>
    private static async Task SignInAtProviderAsync(IPage page, RegistrationStack stack, string login)
    {
        for (var step = 0; step < 6; step++)
        {
            await page.WaitForLoadStateAsync();
            if (!page.Url.StartsWith(stack.OpenIdProvider, StringComparison.Ordinal))
            {
                return;
            }

            if (await page.Locator("input[name=login]").CountAsync() > 0)
            {
                await page.Locator("input[name=login]").FillAsync(login);
                await page.Locator("input[name=password]").FillAsync("any password");
            }

            var current = page.Url;
            await page.Locator("button[type=submit]").First.ClickAsync();
            await page.WaitForURLAsync(url => url != current);
        }
    }

    [GeneratedRegex(@"https?://\S+/account/register/verify\?token=\S+")]
    private static partial Regex VerificationLink();
}

/// <summary>The embedded demo with registration Interactive, a real SMTP sink and node's oidc-provider as an upstream provider.</summary>
internal sealed class RegistrationStack : BrowserStack
{
    private const string SchemeId = "peer";

    private RegistrationStack(ITestOutputHelper output, string directory)
        : base(output, directory)
    {
    }

    /// <summary>The provider's issuer (its choice on the login page, its link on the account page).</summary>
    public string OpenIdProvider { get; private set; } = "";

    public string DemoIdentityProvider => new Uri(Proxy.BaseUrl, "/demo-idp").ToString();

    public static Task<RegistrationStack> StartAsync(ITestOutputHelper output)
    {
        var stack = new RegistrationStack(output, Path.Combine(Path.GetTempPath(), $"aaiproxy-registration-{Guid.NewGuid():N}"));
        return stack.StartedOrDisposedAsync(stack, async () =>
        {
            var smtp = SmtpSink.ProxySettings; // skips (fails with CI=true) without the sink
            var port = FreePort.Next();
            var provider = stack.Track(await OidcProviderPeer.StartAsync(output, Path.Combine(stack.Directory, "oidc-provider"),
                $"http://127.0.0.1:{port}/upstream/oidc/{SchemeId}"));
            stack.OpenIdProvider = provider.Issuer;
            var settings = new Dictionary<string, string>(smtp)
            {
                ["AaiProxy:Registration:Mode"] = "Interactive",
                ["AaiProxy:OpenIdConnectProviders:0:Id"] = SchemeId,
                ["AaiProxy:OpenIdConnectProviders:0:DisplayName"] = "Test OpenID Provider",
                ["AaiProxy:OpenIdConnectProviders:0:Authority"] = provider.Issuer,
                ["AaiProxy:OpenIdConnectProviders:0:ClientId"] = provider.ClientId,
                ["AaiProxy:OpenIdConnectProviders:0:ClientSecretFile"] = provider.ClientSecretFile,
                ["AaiProxy:OpenIdConnectProviders:0:AllowInsecureHttp"] = "true",
            };
            stack.Proxy = stack.Track(await ProxyProcess.StartAsync(new ProxyConfiguration(port, stack.ProxyDataDirectory(), Settings: settings),
                stack.ProxyLogFile));
            await stack.OpenBrowserAsync();
        });
    }
}

/// <summary>node's oidc-provider started by tests/peers/oidc-provider.sh for one test, stopped by its pid file.</summary>
internal sealed class OidcProviderPeer(ITestOutputHelper output, string directory, IReadOnlyDictionary<string, string> printed) : IAsyncDisposable
{
    public string Issuer => printed["issuer"];

    public string ClientId => printed["client_id"];

    public string ClientSecretFile => printed["client_secret_file"];

    public static async Task<OidcProviderPeer> StartAsync(ITestOutputHelper output, string directory, string callbackBase) =>
        new(output, directory, await PeerScript.RunAsync(output, "oidc-provider.sh", "start", directory,
            FreePort.Next().ToString(System.Globalization.CultureInfo.InvariantCulture), callbackBase));

    public async ValueTask DisposeAsync() => await PeerScript.RunAsync(output, "oidc-provider.sh", "stop", directory);
}
