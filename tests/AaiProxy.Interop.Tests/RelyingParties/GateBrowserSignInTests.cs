using System.Security.Cryptography;
using System.Text.RegularExpressions;
using AaiProxy.Interop.Tests.Harness;
using AaiProxy.Interop.Tests.Portal;
using AaiProxy.Tests.Shared;
using Microsoft.Playwright;

namespace AaiProxy.Interop.Tests.RelyingParties;

/// <summary>
/// Issue 19, browsers following a download link: two download hosts, each a real nginx over TLS running the repository's
/// example (deploy/examples/nginx, <see cref="NginxGate"/>), in front of the proxy's gate with its browser sign-in
/// (<c>AaiProxy:Gate:BrowserSignIn</c>). Chromium follows a link with no token, signs in through the proxy (demo IdP),
/// lands on the file; the gate cookie is the download host's own. Another file of the host needs no new sign-in; the
/// other host runs its own flow (silently: the proxy session lives). A non-member signs in and gets 403; curl without a
/// token keeps the plain 401 challenge; a return path to another origin and a host with no registered callback are refused.
/// </summary>
public sealed partial class GateBrowserSignInTests(ITestOutputHelper output)
{
    private const string ClientId = "download-gate-browser";
    private const string Download = "https://download.interop.aaiproxy.example.org/";
    private const string EmbargoedFile = "demo/DEMO-2026-017/raw/scan-0001.txt";
    private const string SecondFile = "demo/DEMO-2026-017/raw/scan-0002.txt";
    private const string GateCookie = "__Host-aaiproxy-gate";

    private readonly string secret = Convert.ToHexString(RandomNumberGenerator.GetBytes(24));

    [SkippableFact]
    public async Task Browser_signs_in_per_download_host_members_read_others_get_403_and_scripts_keep_the_bearer_challenge()
    {
        await using var hostA = new NginxGate(output, Path.Combine(Path.GetTempPath(), $"aaiproxy-nginx-{Guid.NewGuid():N}"), "download-a.localhost");
        await using var hostB = new NginxGate(output, Path.Combine(Path.GetTempPath(), $"aaiproxy-nginx-{Guid.NewGuid():N}"), "download-b.localhost");
        var first = hostA.AddFile(EmbargoedFile, "raw detector frame 1 of DEMO-2026-017");
        var second = hostA.AddFile(SecondFile, "raw detector frame 2 of DEMO-2026-017");
        var onB = hostB.AddFile(EmbargoedFile, "raw detector frame 1 of DEMO-2026-017, mirrored on B");
        await using var stack = await DemoStack.StartAsync(output, Settings(hostA, hostB));
        await hostA.StartAsync(stack.Proxy.BaseUrl);
        await hostB.StartAsync(stack.Proxy.BaseUrl);

        await stack.RunAsync(nameof(Browser_signs_in_per_download_host_members_read_others_get_403_and_scripts_keep_the_bearer_challenge), async _ =>
        {
            // The download hosts' certificates are the harness's own, self-signed.
            var browser = stack.Page.Context.Browser!;
            await using var alice = await browser.NewContextAsync(new BrowserNewContextOptions { IgnoreHTTPSErrors = true });
            var page = await alice.NewPageAsync();
            var navigations = new List<string>();
            page.Request += (_, request) =>
            {
                if (request.IsNavigationRequest)
                    navigations.Add(request.Url);
            };

            // Alice, PI of DEMO-2026-017, follows a link with no token: she signs in through the proxy and gets the file.
            var download = await FollowDownloadLinkAsync(page, first, signInAs: "alice");
            Assert.Equal(200, download.Status);
            Assert.Equal("raw detector frame 1 of DEMO-2026-017", await page.InnerTextAsync("body"));
            Assert.Contains(navigations, url => url.StartsWith(new Uri(hostA.BaseUrl, "/gate/oauth2/start?rd=").ToString(), StringComparison.Ordinal));
            Assert.Contains(navigations, url => url.StartsWith(hostA.SignInCallbackUrl + "?", StringComparison.Ordinal));
            Assert.Matches(AccessLogLine(first, 200), hostA.ReadAccessLog());

            // On the download host: the gate cookie alone (the flow's correlation and nonce cookies are gone), __Host-
            // (Secure, Path=/, host-only), HttpOnly, SameSite=Lax; the proxy's own cookies stay on the proxy's host.
            var cookiesOnA = await alice.CookiesAsync([hostA.BaseUrl.ToString()]);
            var gateCookie = Assert.Single(cookiesOnA);
            Assert.Equal(GateCookie, gateCookie.Name);
            Assert.Equal(hostA.Host, gateCookie.Domain);
            Assert.Equal("/", gateCookie.Path);
            Assert.True(gateCookie.Secure);
            Assert.True(gateCookie.HttpOnly);
            Assert.Equal(SameSiteAttribute.Lax, gateCookie.SameSite);
            var proxyCookies = await alice.CookiesAsync([stack.Proxy.BaseUrl.ToString()]);
            Assert.NotEmpty(proxyCookies);
            Assert.DoesNotContain(proxyCookies, cookie => cookie.Name.StartsWith(GateCookie, StringComparison.Ordinal));

            // Another file of the same host: the cookie suffices, no sign-in.
            navigations.Clear();
            var again = await page.GotoAsync(second.ToString());
            Assert.Equal(200, again!.Status);
            Assert.Equal("raw detector frame 2 of DEMO-2026-017", await page.InnerTextAsync("body"));
            Assert.Equal([second.ToString()], navigations);

            // The other download host runs its own flow, without asking her again (the proxy session lives).
            navigations.Clear();
            var mirrored = await FollowDownloadLinkAsync(page, onB, signInAs: null);
            Assert.Equal(200, mirrored.Status);
            Assert.Equal("raw detector frame 1 of DEMO-2026-017, mirrored on B", await page.InnerTextAsync("body"));
            Assert.Contains(navigations, url => url.StartsWith(hostB.SignInCallbackUrl + "?", StringComparison.Ordinal));
            Assert.Equal(GateCookie, Assert.Single(await alice.CookiesAsync([hostB.BaseUrl.ToString()])).Name);

            // Signing out of the download host clears its gate cookie only.
            await page.GotoAsync(new Uri(hostA.BaseUrl, "/gate/oauth2/sign_out?rd=%2Fsigned-out").ToString());
            Assert.Empty(await alice.CookiesAsync([hostA.BaseUrl.ToString()]));
            Assert.Single(await alice.CookiesAsync([hostB.BaseUrl.ToString()]));

            // Bob, on another team, signs in on his own browser and is refused the file.
            await using var bob = await browser.NewContextAsync(new BrowserNewContextOptions { IgnoreHTTPSErrors = true });
            var refused = await FollowDownloadLinkAsync(await bob.NewPageAsync(), first, signInAs: "bob");
            Assert.Equal(403, refused.Status);
            Assert.Matches(AccessLogLine(first, 403), hostA.ReadAccessLog());

            // A script without a token: the plain bearer challenge, no redirect to a sign-in.
            var script = await Curl.GetAsync(output, stack.Directory, first, bearerToken: null, hostA.CertificateFile);
            Assert.Equal(401, script.Status);
            Assert.StartsWith("Bearer", Assert.Single(script.Header("WWW-Authenticate")), StringComparison.Ordinal);
            Assert.Empty(script.Header("Location"));

            // No open redirect: a return path to another origin is refused before any sign-in.
            foreach (var rd in new[] { "https://evil.example/", "//evil.example/", "/\\evil.example/" })
            {
                var start = new Uri(hostA.BaseUrl, "/gate/oauth2/start?rd=" + Uri.EscapeDataString(rd));
                var answer = await Curl.GetAsync(output, stack.Directory, start, bearerToken: null, hostA.CertificateFile);
                Assert.Equal(400, answer.Status);
                Assert.Contains("invalid_return_path", answer.Body, StringComparison.Ordinal);
                Assert.Empty(answer.Header("Location"));
            }

            // The same nginx reached by another name (127.0.0.1, whose callback is not registered): refused, saying what to register.
            var unregistered = await Curl.GetAsync(output, stack.Directory,
                new Uri($"https://127.0.0.1:{hostA.Port}/gate/oauth2/start?rd=%2F"), bearerToken: null, hostA.CertificateFile);
            Assert.Equal(400, unregistered.Status);
            Assert.Contains("unregistered_download_host", unregistered.Body, StringComparison.Ordinal);
            Assert.Contains($"https://127.0.0.1:{hostA.Port}/gate/oauth2/callback", unregistered.Body, StringComparison.Ordinal);

            hostA.MarkPassed();
            hostB.MarkPassed();
        });
    }

    /// <summary>
    /// Opens <paramref name="file"/> and, when <paramref name="signInAs"/> is given, signs in at the demo IdP on the way:
    /// the answer to the navigation that finally reached the file (after the sign-in's redirects).
    /// </summary>
    private static async Task<IResponse> FollowDownloadLinkAsync(IPage page, Uri file, string? signInAs)
    {
        var landed = page.WaitForResponseAsync(response =>
            response.Url == file.ToString() && response.Request.IsNavigationRequest && response.Status != 302);
        await page.GotoAsync(file.ToString());
        if (signInAs is not null)
        {
            var idp = new DemoIdentityProviderPage(page);
            await idp.WaitAsync();
            await idp.SignInAsAsync(signInAs);
        }

        return await landed;
    }

    /// <summary>The example's access-log line for a browser's GET of <paramref name="file"/>: a person's subject, the proposal.</summary>
    private static Regex AccessLogLine(Uri file, int status) =>
        new($"\"GET {Regex.Escape(file.AbsolutePath)} HTTP/1\\.1\" {status} sub=[^- ][^ ]* proposal=demo/DEMO-2026-017");

    /// <summary>The gate for <see cref="Download"/> with its browser sign-in as a confidential client whose redirect URIs
    /// are the two hosts' callbacks; nginx on 127.0.0.1 is the known reverse proxy whose X-Forwarded-Host is believed.</summary>
    private IReadOnlyDictionary<string, string> Settings(NginxGate hostA, NginxGate hostB) => new Dictionary<string, string>
    {
        ["AaiProxy:Gate:Audience"] = Download,
        ["AaiProxy:Gate:BrowserSignIn:ClientId"] = ClientId,
        ["AaiProxy:ReverseProxy:KnownProxies:0"] = "127.0.0.1",
        [ConfiguredClients.Key(0, "ClientId")] = ClientId,
        [ConfiguredClients.Key(0, "Type")] = "Confidential",
        [ConfiguredClients.Key(0, "ClientSecret")] = secret,
        [ConfiguredClients.Key(0, "FacilityInternal")] = "true",
        [ConfiguredClients.Key(0, "RedirectUris:0")] = hostA.SignInCallbackUrl.ToString(),
        [ConfiguredClients.Key(0, "RedirectUris:1")] = hostB.SignInCallbackUrl.ToString(),
        [ConfiguredClients.Key(0, "AllowedGrants:0")] = "authorization_code",
        [ConfiguredClients.Key(0, "AllowedScopes:0")] = "openid",
        [ConfiguredClients.Key(0, "Resources:0")] = Download,
    };
}
