using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using AaiProxy.Data;
using AaiProxy.Identity;
using AaiProxy.Server.Oidc.Registration;
using AaiProxy.Server.Tests.Infrastructure;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using OpenIddict.Abstractions;

namespace AaiProxy.Server.Tests.Oidc;

/// <summary>
/// OAuth 2.0 Dynamic Client Registration (RFC 7591) at <c>/connect/register</c>, enabled for this class: a command-line
/// tool registers a public native client for the device grant, or for the code flow with loopback redirect URIs, and
/// uses it; everything else is refused with RFC 7591 §3.2.2 errors and nothing stored; each registration is audited.
/// The metadata documents are those oidc-agent 4.2.6 sends (seen against a recording server).
/// </summary>
public sealed class DynamicRegistrationTests(DynamicRegistrationTests.Fixture fixture) : IClassFixture<DynamicRegistrationTests.Fixture>
{
    private const string DeviceGrant = "urn:ietf:params:oauth:grant-type:device_code";

    /// <summary>What <c>oidc-gen --flow=device</c> sends: application_type web, no token_endpoint_auth_method, redirect URIs
    /// although it will not use them (one of a private-use scheme).</summary>
    private const string OidcAgentDeviceRegistration = """
        {"application_type":"web","client_name":"oidc-agent:cli-vm","response_types":[],
         "grant_types":["refresh_token","urn:ietf:params:oauth:grant-type:device_code"],"scope":"openid profile offline_access",
         "redirect_uris":["http://localhost:4242","http://localhost:42787","http://localhost:8080","edu.kit.data.oidc-agent:/redirect"]}
        """;

    /// <summary>What <c>oidc-gen --flow=code --port=4242</c> sends.</summary>
    private const string OidcAgentCodeRegistration = """
        {"application_type":"web","client_name":"oidc-agent:code-vm","response_types":["code"],
         "grant_types":["refresh_token","authorization_code"],"scope":"openid profile offline_access",
         "redirect_uris":["http://localhost:4242"]}
        """;

    private readonly OidcTestClient _oidc = new(fixture.Factory);

    [Fact]
    public async Task Discovery_names_the_registration_endpoint_while_registration_is_enabled()
    {
        using var discovery = JsonDocument.Parse(await _oidc.Http.GetStringAsync("/.well-known/openid-configuration"));

        Assert.Equal(ProxyFactory.Origin + "/connect/register", discovery.RootElement.GetProperty("registration_endpoint").GetString());
    }

    [Fact]
    public async Task Registration_is_off_by_default_neither_advertised_nor_served()
    {
        await using var factory = new ProxyFactory(fixture.Database);
        var http = factory.CreateClient();

        using var discovery = JsonDocument.Parse(await http.GetStringAsync("/.well-known/openid-configuration"));
        using var response = await PostJsonAsync(http, OidcAgentDeviceRegistration);

        Assert.False(discovery.RootElement.TryGetProperty("registration_endpoint", out _));
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.False(factory.Services.GetRequiredService<IOptions<DynamicRegistrationOptions>>().Value.Enabled);
    }

    [Fact]
    public async Task Oidc_agents_device_registration_becomes_a_public_native_client_that_completes_the_device_flow()
    {
        var (status, registered) = await RegisterAsync(OidcAgentDeviceRegistration);

        Assert.Equal(HttpStatusCode.Created, status);
        var clientId = registered.GetProperty("client_id").GetString()!;
        Assert.StartsWith(ClientRegistrationEndpoint.ClientIdPrefix, clientId, StringComparison.Ordinal);
        Assert.False(registered.TryGetProperty("client_secret", out _));
        Assert.Equal("none", registered.GetProperty("token_endpoint_auth_method").GetString());
        Assert.Equal("native", registered.GetProperty("application_type").GetString());
        Assert.Equal("oidc-agent:cli-vm", registered.GetProperty("client_name").GetString());
        Assert.Equal(["refresh_token", DeviceGrant], Strings(registered.GetProperty("grant_types")));
        Assert.Empty(Strings(registered.GetProperty("redirect_uris")));
        Assert.Equal("openid profile offline_access", registered.GetProperty("scope").GetString());

        // The device flow with the new client: the verification page shows its name marked as self-registered, the person approves.
        var (deviceStatus, device) = await _oidc.TokenAsync(new() { ["client_id"] = clientId, ["scope"] = "openid profile offline_access" }, "/connect/device");
        Assert.True(deviceStatus == HttpStatusCode.OK, device.ToString());
        var browser = fixture.Factory.CreateBrowser();
        var page = await SignInAtVerificationAsync(browser, device.GetProperty("verification_uri_complete").GetString()!, "alice");
        Assert.Contains("oidc-agent:cli-vm (self-registered)", page, StringComparison.Ordinal);
        var fields = UpstreamLogin.HiddenFields(page);
        fields["device_decision"] = "allow";
        using (var decided = await browser.PostAsync("/connect/verify", new FormUrlEncodedContent(fields)))
        {
            Assert.Equal("/connect/verify/done?outcome=approved", decided.Headers.Location!.OriginalString);
        }

        var (tokenStatus, tokens) = await _oidc.TokenAsync(new()
        {
            ["grant_type"] = DeviceGrant,
            ["device_code"] = device.GetProperty("device_code").GetString(),
            ["client_id"] = clientId,
        });
        Assert.True(tokenStatus == HttpStatusCode.OK, tokens.ToString());
        var access = await _oidc.ValidateAsync(tokens.GetProperty("access_token").GetString()!, clientId);
        Assert.True(access.IsValid, access.Exception?.Message);
        Assert.Equal([clientId], new JsonWebToken(tokens.GetProperty("id_token").GetString()!).Audiences);
        Assert.True(tokens.TryGetProperty("refresh_token", out _));
    }

    [Fact]
    public async Task A_code_flow_client_registers_loopback_uris_that_match_on_any_port_with_pkce_required()
    {
        var (status, registered) = await RegisterAsync(OidcAgentCodeRegistration);

        Assert.Equal(HttpStatusCode.Created, status);
        var clientId = registered.GetProperty("client_id").GetString()!;
        Assert.Equal(["http://localhost:4242"], Strings(registered.GetProperty("redirect_uris")));
        Assert.Equal(["code"], Strings(registered.GetProperty("response_types")));

        var browser = fixture.Factory.CreateBrowser();
        var pkce = OidcTestClient.NewPkce();
        using var anyPort = await browser.GetAsync(Authorize(clientId, "http://localhost:50123", pkce));
        Assert.Equal(HttpStatusCode.Redirect, anyPort.StatusCode);
        Assert.True(UpstreamLogin.IsUpstreamLoginStart(new Uri(browser.BaseAddress!, anyPort.Headers.Location!)), anyPort.Headers.Location!.ToString());

        using var otherHost = await browser.GetAsync(Authorize(clientId, "http://app.example.org:4242", pkce));
        Assert.Equal(HttpStatusCode.BadRequest, otherHost.StatusCode);

        // A public client: PKCE is required.
        using var withoutPkce = await browser.GetAsync(Authorize(clientId, "http://localhost:4242", pkce: null));
        Assert.Equal("invalid_request", OidcTestClient.Query(withoutPkce.Headers.Location!)["error"]);
    }

    [Fact]
    public async Task Each_registration_is_audited_with_the_client_and_where_it_came_from()
    {
        var (_, registered) = await RegisterAsync(OidcAgentCodeRegistration);
        var clientId = registered.GetProperty("client_id").GetString()!;

        await using var scope = fixture.Factory.Services.CreateAsyncScope();
        var audited = await scope.ServiceProvider.GetRequiredService<ProxyDbContext>().AuditEvents.AsNoTracking()
            .SingleAsync(auditEvent => auditEvent.Target == clientId);

        Assert.Equal(AuditActions.ClientRegistered, audited.Action);
        Assert.Equal(AuditActors.DynamicRegistration, audited.Actor);
        var details = JsonSerializer.Deserialize<Dictionary<string, string>>(audited.Details)!;
        Assert.Equal("public", details["client_type"]);
        Assert.Equal("native", details["application_type"]);
        Assert.Equal("http://localhost:4242", details["redirect_uris"]);
        Assert.Equal("explicit", details["consent_type"]);
        Assert.Equal("oidc-agent:code-vm (self-registered)", details["client_name"]);
        Assert.True(details.ContainsKey("registered_from"));
        Assert.DoesNotContain(details.Keys, key => key == "client_secret");
        Assert.Contains(fixture.Factory.Logs.Lines, line => line.Contains($"Client {clientId} registered itself", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Requested_scopes_are_narrowed_to_the_allowed_ones()
    {
        var (status, registered) = await RegisterAsync("""
            {"grant_types":["urn:ietf:params:oauth:grant-type:device_code"],"scope":"openid eduperson_entitlement groups:write profile"}
            """);

        Assert.Equal(HttpStatusCode.Created, status);
        Assert.Equal("openid profile", registered.GetProperty("scope").GetString());
        Assert.Equal("Command-line client", registered.GetProperty("client_name").GetString());
    }

    public static TheoryData<string, string, string> Refused => new()
    {
        { "a confidential client", """{"grant_types":["authorization_code"],"redirect_uris":["http://127.0.0.1/cb"],"token_endpoint_auth_method":"client_secret_basic"}""", "invalid_client_metadata" },
        { "client credentials", """{"grant_types":["client_credentials"],"token_endpoint_auth_method":"none"}""", "invalid_client_metadata" },
        { "token exchange", """{"grant_types":["urn:ietf:params:oauth:grant-type:token-exchange","urn:ietf:params:oauth:grant-type:device_code"]}""", "invalid_client_metadata" },
        { "refresh tokens alone", """{"grant_types":["refresh_token"]}""", "invalid_client_metadata" },
        { "the implicit response type", """{"grant_types":["authorization_code"],"response_types":["token"],"redirect_uris":["http://127.0.0.1/cb"]}""", "invalid_client_metadata" },
        { "code without the code grant", """{"grant_types":["urn:ietf:params:oauth:grant-type:device_code"],"response_types":["code"]}""", "invalid_client_metadata" },
        { "a web redirect URI", """{"redirect_uris":["https://app.example.org/callback"]}""", "invalid_redirect_uri" },
        { "a private-use scheme for the code flow", """{"redirect_uris":["edu.kit.data.oidc-agent:/redirect"]}""", "invalid_redirect_uri" },
        { "https on loopback", """{"redirect_uris":["https://127.0.0.1/cb"]}""", "invalid_redirect_uri" },
        { "a fragment", """{"redirect_uris":["http://127.0.0.1/cb#x"]}""", "invalid_redirect_uri" },
        { "a code-flow client without redirect URIs", """{"grant_types":["authorization_code"]}""", "invalid_redirect_uri" },
        { "redirect URIs not as strings", """{"redirect_uris":"http://127.0.0.1/cb"}""", "invalid_redirect_uri" },
        { "only scopes it may not have", """{"grant_types":["urn:ietf:params:oauth:grant-type:device_code"],"scope":"scim groups:write"}""", "invalid_client_metadata" },
        { "a JSON array", """[{"grant_types":["urn:ietf:params:oauth:grant-type:device_code"]}]""", "invalid_client_metadata" },
        { "malformed JSON", """{"grant_types":""", "invalid_client_metadata" },
        { "a too long name", "{\"grant_types\":[\"urn:ietf:params:oauth:grant-type:device_code\"],\"client_name\":\"" + new string('x', 101) + "\"}", "invalid_client_metadata" },
    };

    [Theory]
    [MemberData(nameof(Refused))]
    public async Task Refused_registrations_answer_with_the_rfc_7591_error_and_store_nothing(string what, string metadata, string error)
    {
        var before = await ClientCountAsync();

        var (status, body) = await RegisterAsync(metadata);

        Assert.True(status == HttpStatusCode.BadRequest, $"{what}: {status} {body}");
        Assert.Equal(error, body.GetProperty("error").GetString());
        Assert.False(string.IsNullOrEmpty(body.GetProperty("error_description").GetString()));
        Assert.Equal(before, await ClientCountAsync());
    }

    [Fact]
    public async Task Metadata_not_sent_as_json_is_refused()
    {
        using var response = await _oidc.Http.PostAsync("/connect/register",
            new StringContent("""{"grant_types":["urn:ietf:params:oauth:grant-type:device_code"]}""", Encoding.UTF8, "text/plain"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("invalid_client_metadata", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error").GetString());
    }

    [Fact]
    public async Task Registrations_are_rate_limited_per_address()
    {
        await using var factory = new ProxyFactory(fixture.Database, overrides: new Dictionary<string, string>(Fixture.Enabled)
        {
            ["AaiProxy:RateLimiting:Endpoints:register:PermitLimit"] = "2",
            ["AaiProxy:RateLimiting:Endpoints:register:Window"] = "01:00:00",
        });
        var http = factory.CreateClient();

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 3; i++)
        {
            using var response = await PostJsonAsync(http, OidcAgentDeviceRegistration);
            statuses.Add(response.StatusCode);
        }

        Assert.Equal([HttpStatusCode.Created, HttpStatusCode.Created, HttpStatusCode.TooManyRequests], statuses);
    }

    [Fact]
    public async Task Allowed_scopes_outside_the_claim_table_stop_the_start_naming_the_key()
    {
        await using var factory = new ProxyFactory(fixture.Database, overrides: new Dictionary<string, string>(Fixture.Enabled)
        {
            ["AaiProxy:DynamicRegistration:AllowedScopes:0"] = "openid",
            ["AaiProxy:DynamicRegistration:AllowedScopes:1"] = "scim",
        });

        var failure = Assert.ThrowsAny<Exception>(() => factory.Server);

        var validation = Assert.IsType<OptionsValidationException>(failure is AggregateException aggregate ? aggregate.InnerException : failure);
        Assert.Contains("AaiProxy:DynamicRegistration:AllowedScopes names scim", validation.Message, StringComparison.Ordinal);
    }

    private async Task<(HttpStatusCode Status, JsonElement Body)> RegisterAsync(string metadata)
    {
        using var response = await PostJsonAsync(_oidc.Http, metadata);
        return (response.StatusCode, await response.Content.ReadFromJsonAsync<JsonElement>());
    }

    private static Task<HttpResponseMessage> PostJsonAsync(HttpClient http, string metadata) =>
        http.PostAsync("/connect/register", new StringContent(metadata, Encoding.UTF8, "application/json"));

    private async Task<long> ClientCountAsync()
    {
        await using var scope = fixture.Factory.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<IOpenIddictApplicationManager>().CountAsync();
    }

    private static string[] Strings(JsonElement array) => [.. array.EnumerateArray().Select(item => item.GetString()!)];

    private static string Authorize(string clientId, string redirectUri, Pkce? pkce)
    {
        var query = new Dictionary<string, string?>
        {
            ["client_id"] = clientId,
            ["response_type"] = "code",
            ["redirect_uri"] = redirectUri,
            ["scope"] = "openid profile",
            ["state"] = "state-" + Guid.NewGuid().ToString("N"),
        };
        if (pkce is not null)
        {
            query["code_challenge"] = pkce.Challenge;
            query["code_challenge_method"] = "S256";
        }

        return QueryHelpers.AddQueryString("/connect/authorize", query);
    }

    /// <summary>Opens the verification URI, signs in upstream when asked, and returns the approval page.</summary>
    private static async Task<string> SignInAtVerificationAsync(HttpClient browser, string verificationUri, string user)
    {
        using var start = await browser.GetAsync(verificationUri);
        var pageUrl = start.StatusCode == HttpStatusCode.Redirect
            ? await UpstreamLogin.SignInAsync(browser, new Uri(browser.BaseAddress!, start.Headers.Location!), user)
            : new Uri(verificationUri);
        using var page = await browser.GetAsync(pageUrl);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        return await page.Content.ReadAsStringAsync();
    }

    /// <summary>The proxy with dynamic registration enabled (default allowed scopes).</summary>
    public sealed class Fixture : ProxyFixture
    {
        public static readonly IReadOnlyDictionary<string, string> Enabled = new Dictionary<string, string>
        {
            ["AaiProxy:DynamicRegistration:Enabled"] = "true",
        };

        protected override IReadOnlyDictionary<string, string> Overrides => Enabled;
    }
}
