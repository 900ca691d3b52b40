using System.Net;
using System.Text.Json;
using AaiProxy.Server.Tests.Infrastructure;
using Microsoft.AspNetCore.TestHost;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Microsoft.IdentityModel.JsonWebTokens;
using static AaiProxy.Server.Tests.Infrastructure.ResourceServerProxyFixture;

namespace AaiProxy.Server.Tests.Oidc;

/// <summary>
/// The OAuth 2.0 Device Authorization Grant (RFC 8628) for the demo command-line client: device authorization,
/// the verification page in the browser, polling the token endpoint; and the <c>audience</c> parameter of
/// command-line tools (oidc-agent's <c>oidc-token --aud</c>) read as resource indicators.
/// </summary>
public sealed class DeviceFlowTests(ProxyFixture fixture) : IClassFixture<ProxyFixture>
{
    public const string CliClientId = "demo-cli";
    private const string Scope = "openid profile offline_access";

    private readonly OidcTestClient _oidc = new(fixture.Factory);

    [Fact]
    public async Task Discovery_advertises_the_device_authorization_endpoint_and_grant()
    {
        var discovery = JsonDocument.Parse(await _oidc.Http.GetStringAsync("/.well-known/openid-configuration")).RootElement;

        Assert.Equal(ProxyFactory.Origin + "/connect/device", discovery.GetProperty("device_authorization_endpoint").GetString());
        Assert.Contains("urn:ietf:params:oauth:grant-type:device_code",
            discovery.GetProperty("grant_types_supported").EnumerateArray().Select(grant => grant.GetString()));
    }

    [Fact]
    public async Task Approved_device_gets_the_persons_tokens_for_the_clients_default_audience()
    {
        var device = await DeviceAuthorizationAsync(_oidc);
        Assert.Equal("authorization_pending", (await PollAsync(_oidc, device)).Body.GetProperty("error").GetString());

        var browser = fixture.Factory.CreateBrowser();
        var page = await SignInAtVerificationAsync(browser, device, "alice");
        Assert.Contains("Demo command-line tool", page, StringComparison.Ordinal);
        Assert.Contains("<code data-scope>offline_access</code>", page, StringComparison.Ordinal);
        Assert.Contains("data-claim=\"given_name\">Alice<", page, StringComparison.Ordinal);
        Assert.Contains(device.GetProperty("user_code").GetString()!, page, StringComparison.Ordinal);

        using var decided = await DecideAsync(browser, page, "allow");
        Assert.Equal("/connect/verify/done?outcome=approved", decided.Headers.Location!.OriginalString);

        var (status, tokens) = await PollAsync(_oidc, device);
        Assert.Equal(HttpStatusCode.OK, status);
        var access = await _oidc.ValidateAsync(tokens.GetProperty("access_token").GetString()!, PortalResource);
        Assert.True(access.IsValid, access.Exception?.Message);
        var id = new JsonWebToken(tokens.GetProperty("id_token").GetString()!);
        Assert.Equal([CliClientId], id.Audiences);
        Assert.Equal(id.Subject, ((JsonWebToken)access.SecurityToken).Subject);
        Assert.True(tokens.TryGetProperty("refresh_token", out _));

        // Redeemed once: the device code is spent.
        Assert.Equal("invalid_grant", (await PollAsync(_oidc, device)).Body.GetProperty("error").GetString());
    }

    [Fact]
    public async Task Denied_device_gets_access_denied()
    {
        var device = await DeviceAuthorizationAsync(_oidc);
        var browser = fixture.Factory.CreateBrowser();
        var page = await SignInAtVerificationAsync(browser, device, "bob");

        using var decided = await DecideAsync(browser, page, "deny");

        Assert.Equal("/connect/verify/done?outcome=denied", decided.Headers.Location!.OriginalString);
        var (status, body) = await PollAsync(_oidc, device);
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("access_denied", body.GetProperty("error").GetString());
    }

    [Fact]
    public async Task Wrong_user_code_is_refused_on_the_page_and_the_device_keeps_waiting()
    {
        var device = await DeviceAuthorizationAsync(_oidc);
        var browser = fixture.Factory.CreateBrowser();
        await SignInAtVerificationAsync(browser, device, "alice");

        using var response = await browser.GetAsync("/connect/verify?user_code=WRONG-CODE");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var page = await response.Content.ReadAsStringAsync();
        Assert.Contains("data-device-error", page, StringComparison.Ordinal);
        Assert.DoesNotContain("device-approve", page, StringComparison.Ordinal);
        Assert.Equal("authorization_pending", (await PollAsync(_oidc, device)).Body.GetProperty("error").GetString());
    }

    [Fact]
    public async Task Verification_without_a_code_asks_the_signed_in_person_to_type_it()
    {
        var device = await DeviceAuthorizationAsync(_oidc);
        var browser = fixture.Factory.CreateBrowser();
        await SignInAtVerificationAsync(browser, device, "alice");

        var page = await browser.GetStringAsync(device.GetProperty("verification_uri").GetString()!);

        Assert.Contains("<label for=\"user-code\">", page, StringComparison.Ordinal);
        Assert.Contains("name=\"user_code\"", page, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Approval_without_the_pages_antiforgery_token_is_refused()
    {
        var device = await DeviceAuthorizationAsync(_oidc);
        var browser = fixture.Factory.CreateBrowser();
        var page = await SignInAtVerificationAsync(browser, device, "alice");
        var fields = UpstreamLogin.HiddenFields(page).Where(field => field.Key == "user_code").ToDictionary();
        fields["device_decision"] = "allow";

        using var response = await browser.PostAsync("/connect/verify", new FormUrlEncodedContent(fields));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("authorization_pending", (await PollAsync(_oidc, device)).Body.GetProperty("error").GetString());
    }

    [Fact]
    public async Task Confidential_client_without_the_device_grant_is_refused_at_the_device_endpoint()
    {
        var (status, body) = await _oidc.TokenAsync(new()
        {
            ["client_id"] = OidcTestClient.ServiceClientId,
            ["client_secret"] = OidcTestClient.ServiceSecret,
            ["scope"] = "eduperson_entitlement",
        }, "/connect/device");

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("unauthorized_client", body.GetProperty("error").GetString());
    }

    [Fact]
    public async Task Device_request_for_a_resource_the_client_may_not_use_is_invalid_target()
    {
        var (status, body) = await _oidc.TokenAsync(new()
        {
            ["client_id"] = CliClientId,
            ["scope"] = Scope,
            ["resource"] = "https://elsewhere.example.org/",
        }, "/connect/device");

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("invalid_target", body.GetProperty("error").GetString());
    }

    [Fact]
    public async Task Device_code_redeemed_with_audience_is_for_that_resource()
    {
        var tokens = await ApprovedDeviceTokensAsync("alice", new() { ["audience"] = CatalogueResource });

        Assert.Equal([CatalogueResource], Audiences(tokens));
    }

    [Fact]
    public async Task Refresh_with_audience_narrows_the_access_token_to_another_resource_of_the_client()
    {
        var tokens = await ApprovedDeviceTokensAsync("alice");
        Assert.Equal([PortalResource], Audiences(tokens));

        var (status, refreshed) = await RefreshAsync(tokens, new() { ["audience"] = CatalogueResource });

        Assert.True(status == HttpStatusCode.OK, refreshed.ToString());
        Assert.Equal([CatalogueResource], Audiences(refreshed));
        // The grant stays the client's: the next refresh without audience is for the default again.
        var (_, again) = await RefreshAsync(refreshed, []);
        Assert.Equal([PortalResource], Audiences(again));
    }

    [Theory]
    [InlineData("https://elsewhere.example.org/")] // unknown
    [InlineData("urn:aaiproxy:api")] // another client's
    public async Task Refresh_with_an_audience_the_client_may_not_use_is_invalid_target(string audience)
    {
        var tokens = await ApprovedDeviceTokensAsync("alice");

        var (status, body) = await RefreshAsync(tokens, new() { ["audience"] = audience });

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("invalid_target", body.GetProperty("error").GetString());
    }

    [Fact]
    public async Task Audience_stays_refused_on_a_grant_other_than_refresh_and_device_code()
    {
        var (status, body) = await _oidc.TokenAsync(new()
        {
            ["grant_type"] = "client_credentials",
            ["client_id"] = OidcTestClient.ServiceClientId,
            ["client_secret"] = OidcTestClient.ServiceSecret,
            ["audience"] = CatalogueResource,
        });

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("invalid_request", body.GetProperty("error").GetString());
    }

    [Fact]
    public async Task Expired_device_code_is_expired_token_and_its_user_code_no_longer_opens_the_page()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var factory = new TimedProxyFactory(fixture.Database, time);
        var oidc = new OidcTestClient(factory);
        var device = await DeviceAuthorizationAsync(oidc);

        time.Advance(TimeSpan.FromSeconds(device.GetProperty("expires_in").GetInt32() + 1));

        var (status, body) = await PollAsync(oidc, device);
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("expired_token", body.GetProperty("error").GetString());
        var browser = factory.CreateBrowser();
        var next = await UpstreamLogin.SignInAsync(browser,
            new Uri(browser.BaseAddress!, (await browser.GetAsync(Complete(device))).Headers.Location!), "alice");
        using var page = await browser.GetAsync(next);
        Assert.Equal(HttpStatusCode.BadRequest, page.StatusCode);
        Assert.Contains("data-device-error", await page.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    private async Task<JsonElement> ApprovedDeviceTokensAsync(string user, Dictionary<string, string?>? redemption = null)
    {
        var device = await DeviceAuthorizationAsync(_oidc);
        var browser = fixture.Factory.CreateBrowser();
        using var decided = await DecideAsync(browser, await SignInAtVerificationAsync(browser, device, user), "allow");
        var (status, tokens) = await PollAsync(_oidc, device, redemption);
        Assert.True(status == HttpStatusCode.OK, tokens.ToString());
        return tokens;
    }

    private Task<(HttpStatusCode Status, JsonElement Body)> RefreshAsync(JsonElement tokens, Dictionary<string, string?> extra) =>
        _oidc.TokenAsync(new(extra)
        {
            ["grant_type"] = "refresh_token",
            ["refresh_token"] = tokens.GetProperty("refresh_token").GetString(),
            ["client_id"] = CliClientId,
        });

    private static async Task<JsonElement> DeviceAuthorizationAsync(OidcTestClient oidc)
    {
        var (status, body) = await oidc.TokenAsync(new() { ["client_id"] = CliClientId, ["scope"] = Scope }, "/connect/device");
        Assert.True(status == HttpStatusCode.OK, body.ToString());
        Assert.Equal(ProxyFactory.Origin + "/connect/verify", body.GetProperty("verification_uri").GetString());
        return body;
    }

    private static Task<(HttpStatusCode Status, JsonElement Body)> PollAsync(OidcTestClient oidc, JsonElement device,
        Dictionary<string, string?>? extra = null) =>
        oidc.TokenAsync(new(extra ?? [])
        {
            ["grant_type"] = "urn:ietf:params:oauth:grant-type:device_code",
            ["device_code"] = device.GetProperty("device_code").GetString(),
            ["client_id"] = CliClientId,
        });

    private static string Complete(JsonElement device) => device.GetProperty("verification_uri_complete").GetString()!;

    /// <summary>Opens <c>verification_uri_complete</c>, signs in upstream when asked, and returns the approval page.</summary>
    private static async Task<string> SignInAtVerificationAsync(HttpClient browser, JsonElement device, string user)
    {
        using var start = await browser.GetAsync(Complete(device));
        var pageUrl = start.StatusCode == HttpStatusCode.Redirect
            ? await UpstreamLogin.SignInAsync(browser, new Uri(browser.BaseAddress!, start.Headers.Location!), user)
            : new Uri(Complete(device));
        using var page = await browser.GetAsync(pageUrl);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        return await page.Content.ReadAsStringAsync();
    }

    private static Task<HttpResponseMessage> DecideAsync(HttpClient browser, string page, string decision)
    {
        var fields = UpstreamLogin.HiddenFields(page);
        fields["device_decision"] = decision;
        return browser.PostAsync("/connect/verify", new FormUrlEncodedContent(fields));
    }

    private static IEnumerable<string> Audiences(JsonElement tokens) => new JsonWebToken(tokens.GetProperty("access_token").GetString()!).Audiences;

    /// <summary>The proxy on the same database with a clock the test moves.</summary>
    private sealed class TimedProxyFactory(TestDatabase database, TimeProvider time) : ProxyFactory(database)
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.ConfigureTestServices(services => services.AddSingleton(time));
        }
    }
}
