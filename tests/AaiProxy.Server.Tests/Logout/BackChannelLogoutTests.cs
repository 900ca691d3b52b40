using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using AaiProxy.Identity;
using AaiProxy.Saml;
using AaiProxy.Saml.Bindings;
using AaiProxy.Server.Accounts;
using AaiProxy.Server.Demo.IdentityProvider;
using AaiProxy.Server.Logout;
using AaiProxy.Server.Tests.Infrastructure;
using AaiProxy.Tests.Shared;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using static AaiProxy.Server.Tests.Accounts.AccountSteps;

namespace AaiProxy.Server.Tests.Logout;

/// <summary>
/// Issue 19, must show 5: signing out at the proxy delivers a valid logout token (Back-Channel Logout 1.0) to each
/// client that received tokens in the session, checked at that client's endpoint (<see cref="LogoutTokenReceiver"/>)
/// against the proxy's JWKS. The demo portal (public) and two confidential web apps register endpoints; the demo IdP
/// signs without encrypting, so a test can name the SAML session in an IdP-initiated LogoutRequest.
/// </summary>
public sealed partial class BackChannelLogoutTests(BackChannelLogoutTests.Fixture fixture) : IClassFixture<BackChannelLogoutTests.Fixture>
{
    private const string SlowClientId = "test-slow";
    private const string FrontChannelClientId = "test-frontchannel";
    private const string FrontChannelUri = "https://frontchannel.example.org/logout";

    [Fact]
    public async Task Discovery_advertises_back_and_front_channel_logout_with_session_ids()
    {
        using var discovery = JsonDocument.Parse(await fixture.Factory.CreateClient().GetStringAsync("/.well-known/openid-configuration"));

        Assert.True(discovery.RootElement.GetProperty("backchannel_logout_supported").GetBoolean());
        Assert.True(discovery.RootElement.GetProperty("backchannel_logout_session_supported").GetBoolean());
        Assert.True(discovery.RootElement.GetProperty("frontchannel_logout_supported").GetBoolean());
        Assert.True(discovery.RootElement.GetProperty("frontchannel_logout_session_supported").GetBoolean());
    }

    [Fact]
    public async Task Ending_the_session_sends_each_client_of_that_session_a_logout_token_that_validates_against_the_jwks()
    {
        var client = new OidcTestClient(fixture.Factory);
        var browser = fixture.Factory.CreateBrowser();
        var portalIdToken = new JsonWebToken((await client.CodeFlowAsync("alice", "openid profile", browser)).GetProperty("id_token").GetString());
        var webAppIdToken = new JsonWebToken(await WebAppIdTokenAsync(client, browser, ProxyFactory.WebAppClientId, "alice"));
        var otherSession = new JsonWebToken((await client.CodeFlowAsync("bob", "openid profile")).GetProperty("id_token").GetString());
        var sid = portalIdToken.GetClaim("sid").Value;
        Assert.Equal(sid, webAppIdToken.GetClaim("sid").Value);
        Assert.NotEqual(sid, otherSession.GetClaim("sid").Value);

        using var logout = await browser.GetAsync(QueryHelpers.AddQueryString("/connect/logout", "id_token_hint", portalIdToken.EncodedToken));

        Assert.Equal(HttpStatusCode.Redirect, logout.StatusCode);
        Assert.False(await Saml.SamlBrowserSteps.IsSignedInAsync(browser));
        var received = await fixture.Receiver.WaitForAsync(token => SessionOf(token) == sid, count: 2);
        Assert.Equal([OidcTestClient.PortalClientId, ProxyFactory.WebAppClientId], received.Select(token => token.ClientId).Order().ToArray());
        foreach (var token in received)
        {
            await AssertValidLogoutTokenAsync(client, token, token.ClientId == OidcTestClient.PortalClientId ? portalIdToken : webAppIdToken);
        }

        Assert.DoesNotContain(fixture.Receiver.Received, token => SessionOf(token) == otherSession.GetClaim("sid").Value);
    }

    [Fact]
    public async Task Single_logout_started_by_the_identity_provider_tells_the_clients_of_the_session()
    {
        var client = new OidcTestClient(fixture.Factory);
        var browser = fixture.Factory.CreateBrowser();
        var form = await Saml.SamlBrowserSteps.ObtainResponseAsync(browser, "bob");
        using (var consumed = await UpstreamLogin.PostToAcsAsync(browser, form))
        {
            Assert.Equal(HttpStatusCode.Redirect, consumed.StatusCode);
        }

        var idToken = new JsonWebToken((await client.CodeFlowAsync("bob", "openid profile", browser)).GetProperty("id_token").GetString());
        var (nameId, sessionIndex) = Saml.SamlBrowserSteps.SubjectOf(form);
        var idp = fixture.Factory.Services.GetRequiredService<DemoIdentityProvider>();
        var serviceProvider = fixture.Factory.Services.GetRequiredService<ServiceProviderSettings>();

        using var answer = await browser.GetAsync(HttpRedirectBinding.Encode(serviceProvider.SingleLogoutServiceUrl, SamlMessageKind.Request,
            Saml.SamlBrowserSteps.IdentityProviderLogoutRequest(idp, serviceProvider, nameId, sessionIndex, out _), "relay", idp.SigningCertificate));

        Assert.Equal(HttpStatusCode.Redirect, answer.StatusCode);
        Assert.StartsWith(idp.SingleLogoutUrl.AbsoluteUri, answer.Headers.Location!.OriginalString, StringComparison.Ordinal);
        var received = Assert.Single(await fixture.Receiver.WaitForAsync(token => SessionOf(token) == idToken.GetClaim("sid").Value, count: 1));
        await AssertValidLogoutTokenAsync(client, received, idToken);
    }

    [Fact]
    public async Task A_client_with_only_a_front_channel_uri_is_loaded_in_an_iframe_before_the_session_ends()
    {
        var client = new OidcTestClient(fixture.Factory);
        var browser = fixture.Factory.CreateBrowser();
        var portalIdToken = new JsonWebToken((await client.CodeFlowAsync("alice", "openid profile", browser)).GetProperty("id_token").GetString());
        await WebAppIdTokenAsync(client, browser, FrontChannelClientId, "alice");
        var sid = portalIdToken.GetClaim("sid").Value;

        using var page = await browser.GetAsync(QueryHelpers.AddQueryString("/connect/logout", "id_token_hint", portalIdToken.EncodedToken));

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        var html = await page.Content.ReadAsStringAsync();
        var frame = WebUtility.HtmlDecode(Assert.Single(FrontChannelFrame().Matches(html)).Groups[1].Value);
        Assert.Equal(FrontChannelUri + "?iss=" + Uri.EscapeDataString(ProxyFactory.Origin + "/") + "&sid=" + sid, frame);
        Assert.True(await Saml.SamlBrowserSteps.IsSignedInAsync(browser));

        using var continued = await PostAsync(browser, html, "/connect/logout", ("frontchannel_shown", "yes"));

        Assert.Equal(HttpStatusCode.Redirect, continued.StatusCode);
        Assert.False(await Saml.SamlBrowserSteps.IsSignedInAsync(browser));
        await AssertValidLogoutTokenAsync(client,
            Assert.Single(await fixture.Receiver.WaitForAsync(token => SessionOf(token) == sid, count: 1)), portalIdToken);
        Assert.DoesNotContain(fixture.Receiver.Received, token => token.ClientId == FrontChannelClientId);
    }

    [Fact]
    public async Task A_client_that_does_not_answer_holds_up_neither_the_sign_out_nor_the_other_clients()
    {
        fixture.Receiver.Hold(SlowClientId);
        var client = new OidcTestClient(fixture.Factory);
        var browser = fixture.Factory.CreateBrowser();
        var portalIdToken = new JsonWebToken((await client.CodeFlowAsync("alice", "openid profile", browser)).GetProperty("id_token").GetString());
        await WebAppIdTokenAsync(client, browser, SlowClientId, "alice");
        var sid = portalIdToken.GetClaim("sid").Value;

        using var logout = await browser.GetAsync(QueryHelpers.AddQueryString("/connect/logout", "id_token_hint", portalIdToken.EncodedToken));

        Assert.Equal(HttpStatusCode.Redirect, logout.StatusCode);
        var portal = Assert.Single(await fixture.Receiver.WaitForAsync(token => SessionOf(token) == sid && token.ClientId == OidcTestClient.PortalClientId, 1));
        await AssertValidLogoutTokenAsync(client, portal, portalIdToken);
        Assert.Single(await fixture.Receiver.WaitForAsync(token => SessionOf(token) == sid && token.ClientId == SlowClientId, 1));
    }

    [Fact]
    public async Task Signing_out_everywhere_tells_the_clients_of_every_session_of_the_account()
    {
        var client = new OidcTestClient(fixture.Factory);
        var browser = fixture.Factory.CreateBrowser();
        var first = new JsonWebToken((await client.CodeFlowAsync("carol", "openid profile", browser)).GetProperty("id_token").GetString());
        var second = new JsonWebToken((await client.CodeFlowAsync("carol", "openid profile")).GetProperty("id_token").GetString());
        Assert.NotEqual(first.GetClaim("sid").Value, second.GetClaim("sid").Value);

        using var done = await PostAsync(browser, await PageAsync(browser, AccountPage.Path), AccountPage.SignOutEverywherePath);

        Assert.Equal(HttpStatusCode.OK, done.StatusCode);
        var received = await fixture.Receiver.WaitForAsync(token => SubjectOf(token) == first.Subject, count: 2);
        Assert.Equal(new[] { first, second }.Select(token => token.GetClaim("sid").Value).Order(), received.Select(SessionOf).Order());
        foreach (var token in received)
        {
            await AssertValidLogoutTokenAsync(client, token, SessionOf(token) == first.GetClaim("sid").Value ? first : second);
        }
    }

    [Fact]
    public async Task Suspending_an_account_tells_the_clients_it_signed_in_to()
    {
        var client = new OidcTestClient(fixture.Factory);
        var idToken = new JsonWebToken((await client.CodeFlowAsync("dana", "openid profile")).GetProperty("id_token").GetString());

        await using (var scope = fixture.Factory.Services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<AccountAdministration>().SuspendAsync(idToken.Subject, AuditActors.Person("admin"), CancellationToken.None);
        }

        var received = Assert.Single(await fixture.Receiver.WaitForAsync(token => SubjectOf(token) == idToken.Subject, count: 1));
        await AssertValidLogoutTokenAsync(client, received, idToken);
    }

    // Back-Channel Logout 1.0 §2.6 as a client checks it: signature by the JWKS, iss, aud, typ, iat/exp, events, sid and
    // sub of the ID token it got, no nonce; delivered as a form POST.
    private static async Task AssertValidLogoutTokenAsync(OidcTestClient client, ReceivedLogout received, JsonWebToken idToken)
    {
        Assert.StartsWith("application/x-www-form-urlencoded", received.ContentType, StringComparison.Ordinal);
        var result = await new JsonWebTokenHandler().ValidateTokenAsync(received.Token, new TokenValidationParameters
        {
            ValidIssuer = idToken.Issuer,
            ValidAudience = received.ClientId,
            IssuerSigningKeys = (await client.JwksAsync()).GetSigningKeys(),
            ValidTypes = [LogoutToken.Type],
        });
        Assert.True(result.IsValid, result.Exception?.ToString());
        var token = (JsonWebToken)result.SecurityToken;
        Assert.Equal(ProxyFactory.Origin + "/", token.Issuer);
        Assert.Equal([received.ClientId], token.Audiences);
        Assert.Equal(idToken.GetClaim("sid").Value, token.GetClaim("sid").Value);
        Assert.Equal(idToken.Subject, token.Subject);
        Assert.False(string.IsNullOrEmpty(token.Id));
        Assert.True(token.TryGetPayloadValue<long>("iat", out _));
        Assert.False(token.TryGetPayloadValue<object>("nonce", out _));
        var events = token.GetPayloadValue<JsonElement>("events");
        Assert.Equal(JsonValueKind.Object, events.GetProperty(LogoutToken.BackChannelLogoutEvent).ValueKind);
    }

    private static string? SessionOf(ReceivedLogout received) =>
        new JsonWebToken(received.Token).TryGetPayloadValue<string>("sid", out var sid) ? sid : null;

    [GeneratedRegex("<iframe hidden src=\"([^\"]+)\"[^>]*data-frontchannel-logout")]
    private static partial Regex FrontChannelFrame();

    private static string SubjectOf(ReceivedLogout received) => new JsonWebToken(received.Token).Subject;

    /// <summary>The code flow of a confidential web app (<see cref="ProxyFactory.WebAppClientId"/>'s settings) in <paramref name="browser"/>.</summary>
    private static async Task<string> WebAppIdTokenAsync(OidcTestClient client, HttpClient browser, string clientId, string user)
    {
        var pkce = OidcTestClient.NewPkce();
        var callback = await OidcTestClient.AuthorizeAsync(browser, QueryHelpers.AddQueryString("/connect/authorize", new Dictionary<string, string?>
        {
            ["client_id"] = clientId,
            ["response_type"] = "code",
            ["redirect_uri"] = ProxyFactory.WebAppRedirectUri,
            ["scope"] = "openid profile",
            ["state"] = "state-1",
            ["nonce"] = "nonce-" + Guid.NewGuid().ToString("N"),
            ["code_challenge"] = pkce.Challenge,
            ["code_challenge_method"] = "S256",
        }), user);
        var (status, body) = await client.TokenAsync(new()
        {
            ["grant_type"] = "authorization_code",
            ["code"] = OidcTestClient.Query(callback)["code"],
            ["redirect_uri"] = ProxyFactory.WebAppRedirectUri,
            ["client_id"] = clientId,
            ["client_secret"] = ProxyFactory.WebAppSecret,
            ["code_verifier"] = pkce.Verifier,
        });
        Assert.True(status == HttpStatusCode.OK, body.ToString());
        return body.GetProperty("id_token").GetString()!;
    }

    /// <summary>The proxy with back-channel logout endpoints at the receiver: the demo portal (client 0), the test web
    /// app (client 2, requiring sid) and a third web app whose endpoint a test holds (client 3); a fourth web app has a
    /// front-channel logout URI only (client 4).</summary>
    public sealed class Fixture : IAsyncLifetime
    {
        public LogoutTokenReceiver Receiver { get; private set; } = null!;

        public TestDatabase Database { get; private set; } = null!;

        public ProxyFactory Factory { get; private set; } = null!;

        public async Task InitializeAsync()
        {
            Receiver = await LogoutTokenReceiver.StartAsync();
            Database = await TestDatabase.CreateAsync();
            Factory = new ProxyFactory(Database, overrides: new Dictionary<string, string>
            {
                ["AaiProxy:Demo:EncryptAssertions"] = "false",
                ["AaiProxy:Clients:0:BackChannelLogoutUri"] = Receiver.EndpointOf(OidcTestClient.PortalClientId),
                [ConfiguredClients.Key(0, "BackChannelLogoutUri")] = Receiver.EndpointOf(ProxyFactory.WebAppClientId),
                [ConfiguredClients.Key(0, "BackChannelLogoutSessionRequired")] = "true",
                [ConfiguredClients.Key(0, "AllowedScopes:1")] = "openid",
                [ConfiguredClients.Key(1, "ClientId")] = SlowClientId,
                [ConfiguredClients.Key(1, "Type")] = "Confidential",
                [ConfiguredClients.Key(1, "FacilityInternal")] = "true",
                [ConfiguredClients.Key(1, "ClientSecret")] = ProxyFactory.WebAppSecret,
                [ConfiguredClients.Key(1, "RedirectUris:0")] = ProxyFactory.WebAppRedirectUri,
                [ConfiguredClients.Key(1, "AllowedGrants:0")] = "authorization_code",
                [ConfiguredClients.Key(1, "AllowedScopes:0")] = "openid",
                [ConfiguredClients.Key(1, "AllowedScopes:1")] = "profile",
                [ConfiguredClients.Key(1, "BackChannelLogoutUri")] = Receiver.EndpointOf(SlowClientId),
                [ConfiguredClients.Key(2, "ClientId")] = FrontChannelClientId,
                [ConfiguredClients.Key(2, "Type")] = "Confidential",
                [ConfiguredClients.Key(2, "FacilityInternal")] = "true",
                [ConfiguredClients.Key(2, "ClientSecret")] = ProxyFactory.WebAppSecret,
                [ConfiguredClients.Key(2, "RedirectUris:0")] = ProxyFactory.WebAppRedirectUri,
                [ConfiguredClients.Key(2, "AllowedGrants:0")] = "authorization_code",
                [ConfiguredClients.Key(2, "AllowedScopes:0")] = "openid",
                [ConfiguredClients.Key(2, "AllowedScopes:1")] = "profile",
                [ConfiguredClients.Key(2, "FrontChannelLogoutUri")] = FrontChannelUri,
            });
            _ = Factory.Server;
        }

        public async Task DisposeAsync()
        {
            await Factory.DisposeAsync();
            await Database.DisposeAsync();
            await Receiver.DisposeAsync();
        }
    }
}
