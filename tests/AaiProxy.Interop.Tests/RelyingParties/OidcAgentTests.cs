using System.Net;
using AaiProxy.Interop.Tests.Harness;
using AaiProxy.Interop.Tests.Portal;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace AaiProxy.Interop.Tests.RelyingParties;

/// <summary>
/// Issue 19, must show 3: Debian's oidc-agent logs in through the proxy with the device flow (RFC 8628) as the public
/// client <c>demo-cli</c> of config/demo.json. oidc-gen shows a code; the person opens the verification page in
/// Chromium, signs in through the demo IdP, types the code, sees which client asks for which scopes and approves;
/// oidc-gen then holds the tokens. <c>oidc-token</c> gets an access token for the client's default resource, and
/// <c>oidc-token --aud=…</c> one narrowed to another resource the client may use (the <c>audience</c> parameter on a
/// refresh-token grant); each is checked against the proxy's JWKS (signature, issuer, audience, expiry). With
/// <c>oidc-token --aud=&lt;the gate&gt;</c> the real <c>curl</c> downloads Alice's proposal's file from nginx in front of
/// the demo's gate (<see cref="NginxGate"/>), and is refused (403) a file of a proposal she is not on.
/// </summary>
public sealed class OidcAgentTests(ITestOutputHelper output)
{
    private const string ClientId = "demo-cli";
    private const string ClientName = "Demo command-line tool";
    private const string Account = "aaiproxy-demo";

    /// <summary>demo-cli's resources in config/demo.json: the first is its default audience.</summary>
    private const string DefaultResource = "https://portal.demo.aaiproxy.example.org/";

    private const string OtherResource = "https://data-catalogue.demo.aaiproxy.example.org/";

    /// <summary>The demo gate's audience (config/demo.json <c>AaiProxy:Gate:Audience</c>), one of demo-cli's resources.</summary>
    private const string GateAudience = "https://download.demo.aaiproxy.example.org/";

    /// <summary>A file of DEMO-2026-017, the embargoed demo proposal whose PI is Alice.</summary>
    private const string AliceProposalFile = "demo/DEMO-2026-017/raw/scan-0001.txt";

    /// <summary>A file of <see cref="OtherProposal"/>, embargoed too, on whose team Alice is not.</summary>
    private const string OtherProposalFile = "demo/" + OtherProposal + "/raw/scan-0001.txt";

    private const string OtherProposal = "DEMO-2026-031";

    [SkippableFact]
    public async Task Oidc_agent_logs_in_by_device_flow_approved_in_the_browser_and_curl_downloads_through_the_gate_with_its_token()
    {
        await using var nginx = new NginxGate(output, Path.Combine(Path.GetTempPath(), $"aaiproxy-nginx-{Guid.NewGuid():N}"));
        var aliceFile = nginx.AddFile(AliceProposalFile, "raw detector frame of DEMO-2026-017");
        var otherFile = nginx.AddFile(OtherProposalFile, "raw detector frame of " + OtherProposal);
        await using var stack = await DemoStack.StartAsync(output, OtherProposalSettings());
        await nginx.StartAsync(stack.Proxy.BaseUrl);
        await using var agent = await OidcAgent.StartAsync(output, Path.Combine(stack.Directory, "oidc-agent"));
        var issuer = stack.Proxy.BaseUrl;
        await stack.RunAsync(nameof(Oidc_agent_logs_in_by_device_flow_approved_in_the_browser_and_curl_downloads_through_the_gate_with_its_token), async page =>
        {
            var login = await agent.StartDeviceLoginAsync(issuer, ClientId, "openid profile offline_access", Account);

            await EnterUserCodeAsAliceAsync(page, login);

            // The approval page names the client and the scopes oidc-gen asked for.
            Assert.Contains(ClientName, await page.Locator("[data-device-client]").TextContentAsync() ?? "", StringComparison.Ordinal);
            Assert.Equal(["openid", "profile", "offline_access"], await page.Locator("[data-device-scopes] [data-scope]").AllTextContentsAsync());
            await page.Locator("#device-approve").ClickAsync();
            await page.Locator("[data-device-outcome=\"approved\"]").WaitForAsync();
            await login.CompletedAsync();

            var token = await agent.AccessTokenAsync(Account);
            var validated = await ValidateAsync(issuer, token, DefaultResource);
            Assert.Equal([DefaultResource], validated.Audiences);
            Assert.Equal(ClientId, validated.GetClaim("client_id").Value);

            var narrowed = await agent.AccessTokenAsync(Account, audience: OtherResource);
            Assert.Equal([OtherResource], (await ValidateAsync(issuer, narrowed, OtherResource)).Audiences);

            // Must show 3's last step: a token for the gate from the agent, and curl downloads through nginx with it.
            var download = await agent.AccessTokenAsync(Account, audience: GateAudience);
            Assert.Equal([GateAudience], (await ValidateAsync(issuer, download, GateAudience)).Audiences);
            var (status, body) = await Curl.GetAsync(output, stack.Directory, aliceFile, download, nginx.CertificateFile);
            Assert.Equal(200, status);
            Assert.Equal("raw detector frame of DEMO-2026-017", body);
            Assert.Equal(403, (await Curl.GetAsync(output, stack.Directory, otherFile, download, nginx.CertificateFile)).Status);
            // The portal-audience token is Alice's too, but not for the gate: 401.
            Assert.Equal(401, (await Curl.GetAsync(output, stack.Directory, aliceFile, token, nginx.CertificateFile)).Status);
            var subject = new JsonWebToken(download).Subject;
            Assert.Contains(NginxGate.AccessLogEntry(aliceFile, HttpStatusCode.OK, subject, "demo/DEMO-2026-017"), nginx.ReadAccessLog(), StringComparison.Ordinal);
            Assert.Contains(NginxGate.AccessLogEntry(otherFile, HttpStatusCode.Forbidden, subject, "demo/" + OtherProposal), nginx.ReadAccessLog(), StringComparison.Ordinal);

            // An audience the client may not use: the proxy answers invalid_target and oidc-token gets no token.
            var (exitCode, refused, diagnostics) = await agent.TokenCommandAsync(Account, audience: "https://elsewhere.example.org/");
            Assert.NotEqual(0, exitCode);
            Assert.Contains("invalid_target", refused + diagnostics, StringComparison.Ordinal);
            nginx.MarkPassed();
        });
    }

    /// <summary>A third demo proposal, under embargo (its session ends in 2026, the demo facility's embargo is 36 months),
    /// whose team names Bob only: a proposal that exists and that Alice is not on.</summary>
    private static Dictionary<string, string> OtherProposalSettings() => new()
    {
        ["AaiProxy:Demo:Proposals:2:Facility"] = "demo",
        ["AaiProxy:Demo:Proposals:2:Id"] = OtherProposal,
        ["AaiProxy:Demo:Proposals:2:Title"] = "Another team's embargoed beamtime",
        ["AaiProxy:Demo:Proposals:2:Sessions:0:Instrument"] = "BL04-Imaging",
        ["AaiProxy:Demo:Proposals:2:Sessions:0:Start"] = "2026-10-05T08:00:00Z",
        ["AaiProxy:Demo:Proposals:2:Sessions:0:End"] = "2026-10-07T08:00:00Z",
        ["AaiProxy:Demo:Proposals:2:Team:0:User"] = "bob",
        ["AaiProxy:Demo:Proposals:2:Team:0:Roles:0"] = "pi",
    };

    /// <summary>
    /// With dynamic client registration enabled (RFC 7591, off by default), oidc-gen without a client id registers its
    /// own public client at the proxy (<c>/connect/register</c>, advertised in discovery) and logs in with it by the
    /// device flow: the verification page names the client as self-registered, and the agent's access token is the
    /// registered client's.
    /// </summary>
    [SkippableFact]
    public async Task Oidc_agent_registers_its_own_client_dynamically_and_logs_in_with_it_by_device_flow()
    {
        await using var stack = await DemoStack.StartAsync(output, new Dictionary<string, string> { ["AaiProxy:DynamicRegistration:Enabled"] = "true" });
        await using var agent = await OidcAgent.StartAsync(output, Path.Combine(stack.Directory, "oidc-agent"));
        var issuer = stack.Proxy.BaseUrl;
        await stack.RunAsync(nameof(Oidc_agent_registers_its_own_client_dynamically_and_logs_in_with_it_by_device_flow), async page =>
        {
            var login = await agent.StartDeviceLoginAsync(issuer, clientId: null, "openid profile offline_access", Account);

            await EnterUserCodeAsAliceAsync(page, login);
            Assert.Contains($"oidc-agent:{Account}", await page.Locator("[data-device-client]").TextContentAsync() ?? "", StringComparison.Ordinal);
            Assert.Contains("(self-registered)", await page.Locator("[data-device-client]").TextContentAsync() ?? "", StringComparison.Ordinal);
            await page.Locator("#device-approve").ClickAsync();
            await page.Locator("[data-device-outcome=\"approved\"]").WaitForAsync();
            await login.CompletedAsync();

            var token = new JsonWebToken(await agent.AccessTokenAsync(Account));
            var registered = token.GetClaim("client_id").Value;
            Assert.StartsWith("dyn-", registered, StringComparison.Ordinal);
            // Without resources of its own, the registered client's tokens are for itself.
            Assert.Equal([registered], (await ValidateAsync(issuer, token.EncodedToken, registered)).Audiences);
            Assert.True(await stack.Proxy.WaitForLogAsync($"Client {registered} registered itself", TimeSpan.FromSeconds(5)));
        });
    }

    /// <summary>Validates an access token as a resource server would: the proxy's JWKS, its issuer, the expected audience, expiry.</summary>
    private static async Task<JsonWebToken> ValidateAsync(Uri issuer, string token, string audience)
    {
        using var http = new HttpClient();
        var keys = new JsonWebKeySet(await http.GetStringAsync(new Uri(issuer, "/.well-known/jwks")));
        var result = await new JsonWebTokenHandler().ValidateTokenAsync(token, new TokenValidationParameters
        {
            ValidIssuer = issuer.ToString(),
            ValidAudience = audience,
            IssuerSigningKeys = keys.GetSigningKeys(),
            ValidTypes = ["at+jwt"],
        });
        Assert.True(result.IsValid, $"The access token did not validate: {result.Exception?.Message}");
        return (JsonWebToken)result.SecurityToken;
    }

    /// <summary>The person opens the address oidc-gen shows, signs in at the proxy (demo IdP) as alice and types the code.</summary>
    private static async Task EnterUserCodeAsAliceAsync(Microsoft.Playwright.IPage page, DeviceLogin login)
    {
        await page.GotoAsync(login.VerificationUri.ToString());
        var idp = new DemoIdentityProviderPage(page);
        await idp.WaitAsync();
        await idp.SignInAsAsync("alice");
        await page.Locator("#user-code").FillAsync(login.UserCode);
        await page.Locator("#device-continue").ClickAsync();
    }
}
