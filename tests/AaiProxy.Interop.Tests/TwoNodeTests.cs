using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using AaiProxy.Interop.Tests.Harness;
using AaiProxy.Interop.Tests.Portal;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Playwright;

namespace AaiProxy.Interop.Tests;

/// <summary>
/// Issue 20, must-show 1: two proxy processes behind nginx on one PostgreSQL and one Redis (<see cref="TwoNodeStack"/>).
/// nginx's access log (<c>upstream=</c>) and each node's own request log show which node served each step.
/// </summary>
public sealed class TwoNodeTests(ITestOutputHelper output)
{
    private static readonly TimeSpan LogWait = TimeSpan.FromSeconds(10);

    [SkippableFact]
    public async Task Login_started_on_node_a_completes_on_node_b_tokens_move_between_nodes_survive_a_redis_restart_and_replays_are_refused()
    {
        await using var stack = await TwoNodeStack.StartAsync(output);
        await stack.RunAsync(nameof(Login_started_on_node_a_completes_on_node_b_tokens_move_between_nodes_survive_a_redis_restart_and_replays_are_refused), async page =>
        {
            // The login starts on node A (authorization request, AuthnRequest, demo IdP page) and completes on node B
            // (the IdP's answer, the SAML ACS, the authorization code).
            await stack.RouteBrowserToAsync("a");
            var login = await LoginAsync(stack, page, onIdentityProviderPage: () => stack.RouteBrowserToAsync("b"));

            var requests = stack.NginxRequests();
            Assert.Contains(requests, line => line.StartsWith("GET /connect/authorize?", StringComparison.Ordinal) && line.Contains(TwoNodeStack.Upstream(stack.NodeA)));
            Assert.Contains(requests, line => line.StartsWith("POST /saml/acs", StringComparison.Ordinal) && line.Contains(TwoNodeStack.Upstream(stack.NodeB)));
            Assert.DoesNotContain(requests, line => line.StartsWith("POST /saml/acs", StringComparison.Ordinal) && line.Contains(TwoNodeStack.Upstream(stack.NodeA)));
            Assert.True(await stack.NodeA.WaitForLogAsync("SAML AuthnRequest", LogWait), "node A did not send the AuthnRequest");
            Assert.True(await stack.NodeB.WaitForLogAsync("/saml/acs", LogWait), "node B's request log has no /saml/acs");

            // A token issued by node A is introspected and refreshed on node B.
            using var nodeA = stack.HttpToNode("a");
            using var nodeB = stack.HttpToNode("b");
            var tokens = await TokenAsync(nodeA, new()
            {
                ["grant_type"] = "authorization_code", ["code"] = login.Code, ["redirect_uri"] = TwoNodeStack.RedirectUri, ["code_verifier"] = login.Verifier,
            });
            Assert.True(await ActiveAsync(nodeB, tokens.GetProperty("access_token").GetString()!));
            var refreshed = await TokenAsync(nodeB, new() { ["grant_type"] = "refresh_token", ["refresh_token"] = tokens.GetProperty("refresh_token").GetString()! });
            Assert.NotEqual(tokens.GetProperty("access_token").GetString(), refreshed.GetProperty("access_token").GetString());
            Assert.True(await ActiveAsync(nodeA, refreshed.GetProperty("access_token").GetString()!));

            // Redis restarts (keeping its data, as a persistent Redis does): nobody is signed out, on either node.
            await stack.RestartRedisAsync();
            foreach (var node in new[] { "a", "b" })
            {
                await stack.RouteBrowserToAsync(node);
                var silent = await AuthorizeAsync(stack, page, prompt: "none");
                Assert.NotNull(silent.Code);
            }

            // The SAML response node B accepted, replayed with the same browser state to node A: refused as a replay.
            using (var replayed = await PostToAcsAsync(stack, "a", login.Acs))
            {
                Assert.Equal(HttpStatusCode.BadRequest, replayed.StatusCode);
            }

            Assert.True(await stack.NodeA.WaitForLogAsync("rejected with Replayed", LogWait), "node A did not log the replay");

            // With Redis stopped the replay check cannot be made: the replay is still refused (fail closed), never accepted.
            await stack.StopRedisAsync();
            using (var whileDown = await PostToAcsAsync(stack, "b", login.Acs))
            {
                Assert.Equal(HttpStatusCode.ServiceUnavailable, whileDown.StatusCode);
                Assert.DoesNotContain("AaiProxy.Session", string.Join(';', whileDown.Headers.TryGetValues("Set-Cookie", out var cookies) ? cookies : []));
            }

            Assert.True(await stack.NodeB.WaitForLogAsync("replay_check_unavailable", LogWait), "node B did not log replay_check_unavailable");
        });
    }

    [SkippableFact]
    public async Task Node_a_killed_mid_login_leaves_the_person_to_finish_on_node_b()
    {
        await using var stack = await TwoNodeStack.StartAsync(output);
        await stack.RunAsync(nameof(Node_a_killed_mid_login_leaves_the_person_to_finish_on_node_b), async page =>
        {
            await stack.RouteBrowserToAsync("a");
            var login = await LoginAsync(stack, page, onIdentityProviderPage: async () =>
            {
                await stack.NodeA.KillAsync(); // SIGKILL while the person is at the IdP
                await stack.RouteBrowserToAsync(null); // round-robin: nginx finds node A dead and goes on to node B
            });

            using var anyNode = new HttpClient { BaseAddress = stack.PublicUrl, Timeout = TimeSpan.FromSeconds(30) };
            var tokens = await TokenAsync(anyNode, new()
            {
                ["grant_type"] = "authorization_code", ["code"] = login.Code, ["redirect_uri"] = TwoNodeStack.RedirectUri, ["code_verifier"] = login.Verifier,
            });
            Assert.False(string.IsNullOrEmpty(tokens.GetProperty("id_token").GetString()));

            var requests = stack.NginxRequests();
            Assert.Contains(requests, line => line.StartsWith("GET /demo-idp/sso", StringComparison.Ordinal) && line.Contains(TwoNodeStack.Upstream(stack.NodeA)));
            Assert.Contains(requests, line => line.StartsWith("POST /saml/acs", StringComparison.Ordinal) && line.Contains(TwoNodeStack.Upstream(stack.NodeB))
                                                                                                     && line.Contains("status=302"));
            Assert.True(await stack.NodeB.WaitForLogAsync("/saml/acs", LogWait), "node B's request log has no /saml/acs");
        });
    }

    /// <summary>What a login left: the code, its PKCE verifier, and the SAML response as the browser posted it (with the browser's cookies).</summary>
    private sealed record Login(string Code, string Verifier, AcsPost Acs);

    private sealed record AcsPost(string Form, IReadOnlyList<BrowserContextCookiesResult> Cookies);

    private sealed record Authorization(string? Code, string? Error);

    private static async Task<Login> LoginAsync(TwoNodeStack stack, IPage page, Func<Task> onIdentityProviderPage)
    {
        var acs = new TaskCompletionSource<AcsPost>(TaskCreationOptions.RunContinuationsAsynchronously);
        await page.RouteAsync("**/saml/acs", async route =>
        {
            acs.TrySetResult(new AcsPost(route.Request.PostData ?? "", await page.Context.CookiesAsync([stack.PublicUrl.ToString()])));
            await route.ContinueAsync();
        });
        var verifier = Base64UrlTextEncoder.Encode(RandomNumberGenerator.GetBytes(32));
        var authorization = AuthorizeAsync(stack, page, verifier: verifier, beforeCallback: async () =>
        {
            var idp = new DemoIdentityProviderPage(page);
            await idp.WaitAsync();
            await onIdentityProviderPage();
            await idp.SignInAsAsync("bob");
        });
        var result = await authorization;
        await page.UnrouteAsync("**/saml/acs");
        Assert.True(result.Code is not null, $"no code: {result.Error}");
        return new Login(result.Code!, verifier, await acs.Task.WaitAsync(TimeSpan.FromSeconds(5)));
    }

    /// <summary>An authorization request of the test client in the browser; the redirect to its callback is recorded (the
    /// callback's host does not exist: the browser's navigation there fails, after the request was seen). Playwright's
    /// routes do not see a redirect that ends the navigation <c>GotoAsync</c> started, its <c>request</c> event does.</summary>
    private static async Task<Authorization> AuthorizeAsync(TwoNodeStack stack, IPage page, string? prompt = null, string? verifier = null,
        Func<Task>? beforeCallback = null)
    {
        verifier ??= Base64UrlTextEncoder.Encode(RandomNumberGenerator.GetBytes(32));
        var callback = new TaskCompletionSource<Uri>(TaskCreationOptions.RunContinuationsAsynchronously);
        void Record(object? sender, IRequest request)
        {
            if (request.Url.StartsWith(TwoNodeStack.RedirectUri, StringComparison.Ordinal))
            {
                callback.TrySetResult(new Uri(request.Url));
            }
        }

        var query = new Dictionary<string, string?>
        {
            ["client_id"] = TwoNodeStack.ClientId,
            ["response_type"] = "code",
            ["redirect_uri"] = TwoNodeStack.RedirectUri,
            ["scope"] = "openid profile offline_access",
            ["state"] = "state-" + Guid.NewGuid().ToString("N"),
            ["nonce"] = "nonce-" + Guid.NewGuid().ToString("N"),
            ["code_challenge"] = Base64UrlTextEncoder.Encode(SHA256.HashData(Encoding.ASCII.GetBytes(verifier))),
            ["code_challenge_method"] = "S256",
        };
        if (prompt is not null)
        {
            query["prompt"] = prompt;
        }

        page.Request += Record;
        try
        {
            try
            {
                await page.GotoAsync(QueryHelpers.AddQueryString(new Uri(stack.PublicUrl, "/connect/authorize").ToString(), query));
            }
            catch (PlaywrightException) when (callback.Task.IsCompleted)
            {
                // The navigation ended at the callback, whose host does not resolve.
            }

            if (beforeCallback is not null)
            {
                await beforeCallback();
            }

            var reached = await callback.Task.WaitAsync(TimeSpan.FromSeconds(60));
            var parameters = QueryHelpers.ParseQuery(reached.Query);
            return new Authorization(parameters.TryGetValue("code", out var code) ? code.ToString() : null,
                parameters.TryGetValue("error", out var error) ? error.ToString() : null);
        }
        finally
        {
            page.Request -= Record;
        }
    }

    private static async Task<HttpResponseMessage> PostToAcsAsync(TwoNodeStack stack, string node, AcsPost acs)
    {
        var cookies = new CookieContainer();
        foreach (var cookie in acs.Cookies)
        {
            cookies.Add(stack.PublicUrl, new System.Net.Cookie(cookie.Name, cookie.Value, cookie.Path));
        }

        using var http = stack.HttpToNode(node, new HttpClientHandler { CookieContainer = cookies, AllowAutoRedirect = false });
        var form = QueryHelpers.ParseQuery(acs.Form).ToDictionary(pair => pair.Key, pair => pair.Value.ToString());
        return await http.PostAsync(new Uri("/saml/acs", UriKind.Relative), new FormUrlEncodedContent(form));
    }

    private static async Task<JsonElement> TokenAsync(HttpClient http, Dictionary<string, string> form)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri("/connect/token", UriKind.Relative)) { Content = new FormUrlEncodedContent(form) };
        request.Headers.Authorization = ClientAuthentication();
        using var response = await http.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"token endpoint: {(int)response.StatusCode} {body}");
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    private static async Task<bool> ActiveAsync(HttpClient http, string token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri("/connect/introspect", UriKind.Relative))
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string> { ["token"] = token }),
        };
        request.Headers.Authorization = ClientAuthentication();
        using var response = await http.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"introspection endpoint: {(int)response.StatusCode} {body}");
        return JsonDocument.Parse(body).RootElement.GetProperty("active").GetBoolean();
    }

    private static AuthenticationHeaderValue ClientAuthentication() =>
        new("Basic", Convert.ToBase64String(Encoding.ASCII.GetBytes($"{TwoNodeStack.ClientId}:{TwoNodeStack.ClientSecret}")));
}
