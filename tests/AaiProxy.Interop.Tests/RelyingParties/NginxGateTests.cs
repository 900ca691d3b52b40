using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using AaiProxy.Interop.Tests.Harness;
using AaiProxy.Interop.Tests.Portal;
using AaiProxy.Tests.Shared;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Playwright;

namespace AaiProxy.Interop.Tests.RelyingParties;

/// <summary>
/// Issue 19, must show 2: nginx (Debian) serves files under <c>/data/…</c> through <c>auth_request</c> to the proxy's
/// gate, configured by the repository's example (deploy/examples/nginx, rendered by <see cref="NginxGate"/>). People sign
/// in for real (Chromium, demo IdP, code flow of a download client); their access tokens are for the
/// gate's audience. Alice, PI of the embargoed demo proposal DEMO-2026-017, reads its file; Bob, on another team, gets
/// 403; no token is 401; Carol, on no team, reads the open data of DEMO-2021-042 (embargo ended), which needs a token
/// until the gate is configured for anonymous open data; a token for another audience is 401.
/// </summary>
public sealed class NginxGateTests(ITestOutputHelper output)
{
    private const string ClientId = "download-gate-test";
    private const string Download = "https://download.interop.aaiproxy.example.org/";
    private const string Elsewhere = "https://elsewhere.interop.aaiproxy.example.org/";
    private const string EmbargoedFile = "demo/DEMO-2026-017/raw/scan-0001.txt";
    private const string OpenFile = "demo/DEMO-2021-042/processed/structure.txt";

    private readonly string secret = Convert.ToHexString(RandomNumberGenerator.GetBytes(24));

    // The client's redirect URI: a page of nginx that does not exist (404, NginxGate.CallbackUrl); the test reads the code from the browser's URL.
    private string redirectUri = "";

    [SkippableFact]
    public async Task Members_read_embargoed_files_others_get_403_missing_or_foreign_tokens_401_and_open_data_follows_the_anonymous_setting()
    {
        await using var nginx = new NginxGate(output, Path.Combine(Path.GetTempPath(), $"aaiproxy-nginx-{Guid.NewGuid():N}"));
        redirectUri = nginx.CallbackUrl.ToString();
        var embargoed = nginx.AddFile(EmbargoedFile, "raw detector frame of DEMO-2026-017");
        var open = nginx.AddFile(OpenFile, "refined structure of DEMO-2021-042");
        await using var stack = await DemoStack.StartAsync(output, Settings());
        await nginx.StartAsync(stack.Proxy.BaseUrl);
        using var http = nginx.CreateHttpClient();

        await stack.RunAsync(nameof(Members_read_embargoed_files_others_get_403_missing_or_foreign_tokens_401_and_open_data_follows_the_anonymous_setting), async page =>
        {
            var alice = await AccessTokenAsync(page, stack.Proxy.BaseUrl, "alice");
            var bob = await AccessTokenAsync(page, stack.Proxy.BaseUrl, "bob");
            var carol = await AccessTokenAsync(page, stack.Proxy.BaseUrl, "carol");
            var aliceElsewhere = await AccessTokenAsync(page, stack.Proxy.BaseUrl, "alice", Elsewhere);

            // The embargoed proposal: its team member reads, another person is refused, nobody without a token.
            using (var response = await GetAsync(http, embargoed, alice))
            {
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                Assert.Equal("raw detector frame of DEMO-2026-017", await response.Content.ReadAsStringAsync());
            }

            Assert.Equal(HttpStatusCode.Forbidden, (await GetAsync(http, embargoed, bob)).StatusCode);
            Assert.Equal(HttpStatusCode.Forbidden, (await GetAsync(http, embargoed, carol)).StatusCode);
            using (var anonymous = await GetAsync(http, embargoed, token: null))
            {
                Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
                Assert.Equal("Bearer", anonymous.Headers.WwwAuthenticate.Single().Scheme);
                Assert.DoesNotContain("error=", anonymous.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
            }

            // Alice's own, valid token, but for another service: refused as an invalid token (RFC 6750 §3.1).
            using (var foreign = await GetAsync(http, embargoed, aliceElsewhere))
            {
                Assert.Equal(HttpStatusCode.Unauthorized, foreign.StatusCode);
                Assert.Contains("error=\"invalid_token\"", foreign.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
            }

            // Open data (embargo ended): anyone with a token for the gate; without one, 401 while anonymous access is off.
            using (var response = await GetAsync(http, open, carol))
            {
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                Assert.Equal("refined structure of DEMO-2021-042", await response.Content.ReadAsStringAsync());
            }

            Assert.Equal(HttpStatusCode.Unauthorized, (await GetAsync(http, open, token: null)).StatusCode);

            // nginx's access log names the person and the proposal the gate decided for.
            var aliceSubject = Subject(alice);
            Assert.Contains(NginxGate.AccessLogEntry(embargoed, HttpStatusCode.OK, aliceSubject, "demo/DEMO-2026-017"), nginx.ReadAccessLog(), StringComparison.Ordinal);
            Assert.Contains(NginxGate.AccessLogEntry(embargoed, HttpStatusCode.Forbidden, Subject(bob), "demo/DEMO-2026-017"), nginx.ReadAccessLog(), StringComparison.Ordinal);

            // Anonymous open data switched on: the open file is served without a token; the embargoed one still is not.
            await stack.RestartProxyAsync(new Dictionary<string, string> { ["AaiProxy:Gate:AnonymousOpenData"] = "true" });
            Assert.Equal(HttpStatusCode.OK, (await GetAsync(http, open, token: null)).StatusCode);
            Assert.Equal(HttpStatusCode.Unauthorized, (await GetAsync(http, embargoed, token: null)).StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await GetAsync(http, embargoed, alice)).StatusCode);
            nginx.MarkPassed();
        });
    }

    /// <summary>The gate for <see cref="Download"/> (anonymous open data off, the default), and the download service's
    /// code-flow client (test client 0) whose tokens are for it (or, when asked, for <see cref="Elsewhere"/>).</summary>
    private IReadOnlyDictionary<string, string> Settings() => new Dictionary<string, string>
    {
        ["AaiProxy:Gate:Audience"] = Download,
        [ConfiguredClients.Key(0, "ClientId")] = ClientId,
        [ConfiguredClients.Key(0, "Type")] = "Confidential",
        [ConfiguredClients.Key(0, "ClientSecret")] = secret,
        [ConfiguredClients.Key(0, "FacilityInternal")] = "true",
        [ConfiguredClients.Key(0, "RedirectUris:0")] = redirectUri,
        [ConfiguredClients.Key(0, "AllowedGrants:0")] = "authorization_code",
        [ConfiguredClients.Key(0, "AllowedScopes:0")] = "openid",
        [ConfiguredClients.Key(0, "Resources:0")] = Download,
        [ConfiguredClients.Key(0, "Resources:1")] = Elsewhere,
    };

    /// <summary>Signs <paramref name="user"/> in through the demo IdP in Chromium (a fresh browser session) and redeems
    /// the code: an access token for <paramref name="resource"/> (the client's default, the gate, when null).</summary>
    private async Task<string> AccessTokenAsync(IPage page, Uri proxy, string user, string? resource = null)
    {
        await page.Context.ClearCookiesAsync();
        var verifier = Base64Url(RandomNumberGenerator.GetBytes(32));
        var query = new Dictionary<string, string?>
        {
            ["client_id"] = ClientId,
            ["response_type"] = "code",
            ["redirect_uri"] = redirectUri,
            ["scope"] = "openid",
            ["state"] = Guid.NewGuid().ToString("N"),
            ["code_challenge"] = Base64Url(SHA256.HashData(Encoding.ASCII.GetBytes(verifier))),
            ["code_challenge_method"] = "S256",
        };
        if (resource is not null)
        {
            query["resource"] = resource;
        }

        await page.GotoAsync(QueryHelpers.AddQueryString(new Uri(proxy, "/connect/authorize").ToString(), query));
        var idp = new DemoIdentityProviderPage(page);
        await idp.WaitAsync();
        await idp.SignInAsAsync(user);
        await page.WaitForURLAsync(url => url.StartsWith(redirectUri + "?", StringComparison.Ordinal));
        var code = QueryHelpers.ParseQuery(new Uri(page.Url).Query)["code"].ToString();

        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(proxy, "/connect/token"))
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["grant_type"] = "authorization_code",
                ["code"] = code,
                ["redirect_uri"] = redirectUri,
                ["code_verifier"] = verifier,
            }),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic",
            Convert.ToBase64String(Encoding.UTF8.GetBytes($"{ClientId}:{secret}")));
        using var response = await http.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"token request for {user}: {body}");
        return JsonDocument.Parse(body).RootElement.GetProperty("access_token").GetString()!;
    }

    private static async Task<HttpResponseMessage> GetAsync(HttpClient http, Uri file, string? token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, file);
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        return await http.SendAsync(request);
    }

    private static string Subject(string jwt) =>
        JsonDocument.Parse(Base64UrlDecode(jwt.Split('.')[1])).RootElement.GetProperty("sub").GetString()!;

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static byte[] Base64UrlDecode(string text)
    {
        var padded = text.Replace('-', '+').Replace('_', '/');
        return Convert.FromBase64String(padded.PadRight(padded.Length + (4 - padded.Length % 4) % 4, '='));
    }
}
