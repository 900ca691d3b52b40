using AaiProxy.Interop.Tests.Harness;
using AaiProxy.Interop.Tests.Portal;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace AaiProxy.Interop.Tests.RelyingParties;

/// <summary>
/// Issue 19, must show 3 (the command-line half): Debian's oidc-agent logs in through the proxy with the device flow
/// (RFC 8628) as the public client <c>demo-cli</c> of config/demo.json. oidc-gen shows a code; the person opens the
/// verification page in Chromium, signs in through the demo IdP, types the code, sees which client asks for which
/// scopes and approves; oidc-gen then holds the tokens. <c>oidc-token</c> gets an access token for the client's default
/// resource, and <c>oidc-token --aud=…</c> one narrowed to another resource the client may use (the <c>audience</c>
/// parameter on a refresh-token grant); each is checked against the proxy's JWKS (signature, issuer, audience, expiry).
/// </summary>
public sealed class OidcAgentTests(ITestOutputHelper output)
{
    private const string ClientId = "demo-cli";
    private const string ClientName = "Demo command-line tool";
    private const string Account = "aaiproxy-demo";

    /// <summary>demo-cli's resources in config/demo.json: the first is its default audience.</summary>
    private const string DefaultResource = "https://portal.demo.aaiproxy.example.org/";

    private const string OtherResource = "https://data-catalogue.demo.aaiproxy.example.org/";

    [SkippableFact]
    public async Task Oidc_agent_logs_in_by_device_flow_approved_in_the_browser_and_gets_tokens_for_the_default_and_a_named_audience()
    {
        await using var stack = await DemoStack.StartAsync(output);
        await using var agent = await OidcAgent.StartAsync(output, Path.Combine(stack.Directory, "oidc-agent"));
        var issuer = stack.Proxy.BaseUrl;
        await stack.RunAsync(nameof(Oidc_agent_logs_in_by_device_flow_approved_in_the_browser_and_gets_tokens_for_the_default_and_a_named_audience), async page =>
        {
            var login = await agent.StartDeviceLoginAsync(issuer, ClientId, "openid profile offline_access", Account);

            // The person opens the address oidc-gen shows, signs in at the proxy (demo IdP) and types the code.
            await page.GotoAsync(login.VerificationUri.ToString());
            var idp = new DemoIdentityProviderPage(page);
            await idp.WaitAsync();
            await idp.SignInAsAsync("alice");
            await page.Locator("#user-code").FillAsync(login.UserCode);
            await page.Locator("#device-continue").ClickAsync();

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

            // Must show 3's last step, once the nginx gate harness is in: `curl -H "Authorization: Bearer <token>"` of a file
            // under the gate, with a token from `agent.AccessTokenAsync(Account, audience: <the gate's resource>)`.

            // An audience the client may not use: the proxy answers invalid_target and oidc-token gets no token.
            var (exitCode, refused, diagnostics) = await agent.TokenCommandAsync(Account, audience: "https://elsewhere.example.org/");
            Assert.NotEqual(0, exitCode);
            Assert.Contains("invalid_target", refused + diagnostics, StringComparison.Ordinal);
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
}
