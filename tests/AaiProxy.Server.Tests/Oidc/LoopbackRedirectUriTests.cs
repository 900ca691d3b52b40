using System.Net;
using AaiProxy.Server.Oidc;
using AaiProxy.Server.Tests.Infrastructure;
using AaiProxy.Tests.Shared;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.DependencyInjection;
using OpenIddict.Abstractions;

namespace AaiProxy.Server.Tests.Oidc;

/// <summary>
/// Redirect URIs of the code flow (issue 19): a native public client's loopback URI matches on any port (RFC 8252
/// §7.3); everything else, and every URI of a client not marked native, matches only as registered, character for
/// character; <c>http://localhost:5341</c> and <c>http://localhost:5341/</c> listed together are two registrations.
/// Through the authorization endpoint (a refused URI is a 400 page, never a redirect) and the token endpoint.
/// </summary>
public sealed class LoopbackRedirectUriTests(LoopbackRedirectUriTests.Fixture fixture) : IClassFixture<LoopbackRedirectUriTests.Fixture>
{
    private const string NativeClientId = "test-native";
    private const string WebClientId = "test-public-web";
    private const string LoopbackCallback = "http://127.0.0.1/cb";
    private const string NoSlash = "http://localhost:5341";
    private const string WithSlash = "http://localhost:5341/";
    private const string AppCallback = "https://app.example.org/cb";

    private readonly OidcTestClient _oidc = new(fixture.Factory);

    [Theory]
    [InlineData("http://127.0.0.1:49152/cb")]
    [InlineData("http://127.0.0.1:1/cb")]
    [InlineData("http://127.0.0.1/cb")]
    public async Task Native_client_loopback_uri_matches_on_any_port_and_its_code_redeems_with_that_uri(string requested)
    {
        var (callback, pkce) = await AuthorizeAsync(NativeClientId, requested);

        Assert.StartsWith(requested + "?", callback.OriginalString, StringComparison.Ordinal);
        var (status, body) = await RedeemAsync(NativeClientId, callback, requested, pkce);
        Assert.True(status == HttpStatusCode.OK, body.ToString());
        Assert.True(body.TryGetProperty("access_token", out _));
    }

    [Theory]
    [InlineData("http://127.0.0.1:49152/cb/")]
    [InlineData("http://127.0.0.1:49152/other")]
    [InlineData("http://127.0.0.1:49152/cb?x=1")]
    [InlineData("http://[::1]:49152/cb")]
    [InlineData("http://localhost:49152/cb")]
    [InlineData("https://127.0.0.1:49152/cb")]
    public async Task Native_client_loopback_leniency_is_the_port_only(string requested) =>
        await AssertRefusedAsync(NativeClientId, requested);

    [Theory]
    [InlineData("https://app.example.org:8443/cb")]
    [InlineData("https://app.example.org/cb/")]
    [InlineData("https://APP.example.org/cb")]
    [InlineData("http://app.example.org/cb")]
    public async Task Native_client_non_loopback_uri_needs_an_exact_match(string requested) =>
        await AssertRefusedAsync(NativeClientId, requested);

    [Fact]
    public async Task Native_client_non_loopback_uri_matches_exactly_as_registered()
    {
        var (callback, _) = await AuthorizeAsync(NativeClientId, AppCallback);

        Assert.StartsWith(AppCallback + "?", callback.OriginalString, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Listing_a_uri_with_and_without_trailing_slash_stores_both_as_written()
    {
        await using var scope = fixture.Factory.Services.CreateAsyncScope();
        var applications = scope.ServiceProvider.GetRequiredService<IOpenIddictApplicationManager>();
        var native = await applications.FindByClientIdAsync(NativeClientId) ?? throw new InvalidOperationException("no native client");

        var stored = await applications.GetRedirectUrisAsync(native);

        Assert.Equal(new[] { AppCallback, LoopbackCallback, NoSlash, WithSlash }.Order(StringComparer.Ordinal), stored.Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData(NoSlash)]
    [InlineData(WithSlash)]
    public async Task Each_of_the_two_slash_forms_is_accepted_and_its_code_redeems_only_with_itself(string requested)
    {
        var other = requested == NoSlash ? WithSlash : NoSlash;
        var (callback, pkce) = await AuthorizeAsync(NativeClientId, requested);

        Assert.StartsWith(requested + "?", callback.OriginalString, StringComparison.Ordinal);
        var (refused, error) = await RedeemAsync(NativeClientId, callback, other, pkce);
        Assert.Equal(HttpStatusCode.BadRequest, refused);
        Assert.Equal("invalid_grant", error.GetProperty("error").GetString());
    }

    [Theory]
    [InlineData("http://localhost:6000")]
    [InlineData("http://localhost:6000/")]
    public async Task Native_client_slash_forms_match_on_any_port_each_with_its_own_path(string requested)
    {
        var (callback, _) = await AuthorizeAsync(NativeClientId, requested);

        Assert.StartsWith(requested + "?", callback.OriginalString, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_client_listing_one_slash_form_refuses_the_other() =>
        await AssertRefusedAsync(WebClientId, WithSlash);

    [Fact]
    public async Task A_public_client_not_marked_native_gets_no_port_leniency()
    {
        await AssertRefusedAsync(WebClientId, "http://127.0.0.1:49152/cb");
        await AssertRefusedAsync(WebClientId, "http://localhost:6000");

        var (callback, _) = await AuthorizeAsync(WebClientId, LoopbackCallback);
        Assert.StartsWith(LoopbackCallback + "?", callback.OriginalString, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(LoopbackCallback, "http://127.0.0.1:8080/cb", true, true)]
    [InlineData("http://[::1]/cb", "http://[::1]:8080/cb", true, true)]
    [InlineData("http://localhost/cb", "http://LOCALHOST:8080/cb", true, true)]
    [InlineData(LoopbackCallback, "http://127.0.0.1:8080/cb", false, false)]
    [InlineData(LoopbackCallback, "http://localhost:8080/cb", true, false)]
    [InlineData(NoSlash, WithSlash, true, false)]
    [InlineData(WithSlash, NoSlash, true, false)]
    [InlineData(NoSlash, NoSlash, false, true)]
    [InlineData(AppCallback, "https://app.example.org:443/cb", true, false)]
    [InlineData("http://127.0.0.1.example.org/cb", "http://127.0.0.1.example.org:8080/cb", true, false)]
    [InlineData("http://127.0.0.1/cb", "http://127.0.0.1:8080@evil.example.org/cb", true, false)]
    public void RedirectUriMatch_relaxes_only_the_port_of_loopback_uris_and_only_when_asked(string registered, string requested, bool anyLoopbackPort, bool matches) =>
        Assert.Equal(matches, RedirectUriMatch.Matches(registered, requested, anyLoopbackPort));

    private async Task AssertRefusedAsync(string clientId, string requested)
    {
        var browser = fixture.Factory.CreateBrowser();
        using var response = await browser.GetAsync(AuthorizeUrl(clientId, requested, OidcTestClient.NewPkce()));
        var html = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Null(response.Headers.Location);
        Assert.Contains("invalid_request", html, StringComparison.Ordinal);
    }

    private async Task<(Uri Callback, Pkce Pkce)> AuthorizeAsync(string clientId, string redirectUri)
    {
        var pkce = OidcTestClient.NewPkce();
        var callback = await OidcTestClient.AuthorizeAsync(fixture.Factory.CreateBrowser(), AuthorizeUrl(clientId, redirectUri, pkce), "alice");
        Assert.True(OidcTestClient.Query(callback).ContainsKey("code"), $"no code in {callback}");
        return (callback, pkce);
    }

    private Task<(HttpStatusCode Status, System.Text.Json.JsonElement Body)> RedeemAsync(string clientId, Uri callback, string redirectUri, Pkce pkce) =>
        _oidc.TokenAsync(new()
        {
            ["grant_type"] = "authorization_code",
            ["code"] = OidcTestClient.Query(callback)["code"],
            ["redirect_uri"] = redirectUri,
            ["client_id"] = clientId,
            ["code_verifier"] = pkce.Verifier,
        });

    private static string AuthorizeUrl(string clientId, string redirectUri, Pkce pkce) =>
        QueryHelpers.AddQueryString("/connect/authorize", new Dictionary<string, string?>
        {
            ["client_id"] = clientId,
            ["response_type"] = "code",
            ["redirect_uri"] = redirectUri,
            ["scope"] = "openid",
            ["state"] = "state-" + Guid.NewGuid().ToString("N"),
            ["code_challenge"] = pkce.Challenge,
            ["code_challenge_method"] = "S256",
        });

    /// <summary>The proxy with a native public client (test client 1: a loopback URI, both slash forms, an https URI) and
    /// a public web client not marked native (test client 2: the same loopback URI, one slash form).</summary>
    public sealed class Fixture : ProxyFixture
    {
        protected override IReadOnlyDictionary<string, string> Overrides => new Dictionary<string, string>
        {
            [ConfiguredClients.Key(1, "ClientId")] = NativeClientId,
            [ConfiguredClients.Key(1, "Type")] = "Public",
            [ConfiguredClients.Key(1, "Native")] = "true",
            [ConfiguredClients.Key(1, "FacilityInternal")] = "true",
            [ConfiguredClients.Key(1, "RedirectUris:0")] = LoopbackCallback,
            [ConfiguredClients.Key(1, "RedirectUris:1")] = NoSlash,
            [ConfiguredClients.Key(1, "RedirectUris:2")] = WithSlash,
            [ConfiguredClients.Key(1, "RedirectUris:3")] = AppCallback,
            [ConfiguredClients.Key(1, "AllowedGrants:0")] = "authorization_code",
            [ConfiguredClients.Key(1, "AllowedScopes:0")] = "openid",
            [ConfiguredClients.Key(2, "ClientId")] = WebClientId,
            [ConfiguredClients.Key(2, "Type")] = "Public",
            [ConfiguredClients.Key(2, "FacilityInternal")] = "true",
            [ConfiguredClients.Key(2, "RedirectUris:0")] = LoopbackCallback,
            [ConfiguredClients.Key(2, "RedirectUris:1")] = NoSlash,
            [ConfiguredClients.Key(2, "AllowedGrants:0")] = "authorization_code",
            [ConfiguredClients.Key(2, "AllowedScopes:0")] = "openid",
        };
    }
}
