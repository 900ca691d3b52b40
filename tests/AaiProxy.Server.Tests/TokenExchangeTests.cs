using System.Net;
using System.Text.Json;
using AaiProxy.Data;
using AaiProxy.Identity;
using AaiProxy.Server.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.JsonWebTokens;

namespace AaiProxy.Server.Tests;

/// <summary>
/// OAuth 2.0 Token Exchange (RFC 8693) at the token endpoint: the demo portal (config/demo.json) obtains a narrower token
/// for the demo download service; the test web app (confidential) may not exchange at all.
/// </summary>
public sealed class TokenExchangeTests(ProxyFixture fixture) : IClassFixture<ProxyFixture>
{
    /// <summary>demo-download's resource, which demo-portal may exchange for (config/demo.json).</summary>
    public const string Download = "https://download.demo.aaiproxy.example.org/";

    private const string AccessTokenType = "urn:ietf:params:oauth:token-type:access_token";
    private readonly OidcTestClient _oidc = new(fixture.Factory);

    [Fact]
    public async Task Exchanged_token_is_for_the_download_service_with_the_narrower_scope_and_names_the_portal_as_actor()
    {
        var tokens = await _oidc.CodeFlowAsync("alice", "openid profile email offline_access");
        var original = new JsonWebToken(tokens.GetProperty("access_token").GetString()!);

        var (status, body) = await ExchangeAsync(tokens, new() { ["audience"] = Download, ["scope"] = "profile" });

        Assert.True(status == HttpStatusCode.OK, body.ToString());
        Assert.Equal(AccessTokenType, body.GetProperty("issued_token_type").GetString());
        Assert.False(body.TryGetProperty("refresh_token", out _));
        Assert.False(body.TryGetProperty("id_token", out _));
        var exchanged = body.GetProperty("access_token").GetString()!;
        var validation = await _oidc.ValidateAsync(exchanged, audience: Download);
        Assert.True(validation.IsValid, validation.Exception?.Message);
        var jwt = new JsonWebToken(exchanged);
        Assert.Equal([Download], jwt.Audiences);
        Assert.Equal(original.Subject, jwt.Subject);
        Assert.Equal("profile", jwt.GetClaim("scope").Value);
        Assert.Equal(OidcTestClient.PortalClientId, jwt.GetPayloadValue<JsonElement>("act").GetProperty("sub").GetString());
        Assert.False(original.TryGetClaim("act", out _));
    }

    [Fact]
    public async Task Scopes_the_subject_token_does_not_hold_are_not_granted()
    {
        var tokens = await _oidc.CodeFlowAsync("alice", "openid profile");

        // The portal may ask for email and aarc, but this grant holds neither.
        var (status, body) = await ExchangeAsync(tokens, new() { ["resource"] = Download, ["scope"] = "profile email aarc" });

        Assert.True(status == HttpStatusCode.OK, body.ToString());
        Assert.Equal("profile", new JsonWebToken(body.GetProperty("access_token").GetString()!).GetClaim("scope").Value);
    }

    [Fact]
    public async Task Without_a_scope_parameter_the_exchanged_token_keeps_the_original_scopes()
    {
        var tokens = await _oidc.CodeFlowAsync("alice", "openid profile");

        var (status, body) = await ExchangeAsync(tokens, new() { ["audience"] = Download });

        Assert.True(status == HttpStatusCode.OK, body.ToString());
        Assert.Equal(["openid", "profile"], new JsonWebToken(body.GetProperty("access_token").GetString()!).GetClaim("scope").Value.Split(' ').Order());
    }

    [Theory]
    [InlineData(ResourceServerProxyFixture.CatalogueResource)] // a resource the portal may ask for itself, but not exchange for
    [InlineData("https://elsewhere.example.org/")] // nobody's
    public async Task Exchange_for_an_audience_the_client_may_not_exchange_for_is_invalid_target(string audience)
    {
        var tokens = await _oidc.CodeFlowAsync("alice", "openid profile");

        var (status, body) = await ExchangeAsync(tokens, new() { ["audience"] = audience });

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("invalid_target", body.GetProperty("error").GetString());
    }

    [Fact]
    public async Task Exchange_naming_no_target_is_invalid_request()
    {
        var tokens = await _oidc.CodeFlowAsync("alice", "openid profile");

        var (status, body) = await ExchangeAsync(tokens, []);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("invalid_request", body.GetProperty("error").GetString());
    }

    [Fact]
    public async Task Client_not_allowed_to_exchange_is_unauthorized_client()
    {
        var tokens = await _oidc.CodeFlowAsync("alice", "openid profile");

        var (status, body) = await _oidc.TokenAsync(new()
        {
            ["grant_type"] = "urn:ietf:params:oauth:grant-type:token-exchange",
            ["client_id"] = ProxyFactory.WebAppClientId,
            ["client_secret"] = ProxyFactory.WebAppSecret,
            ["subject_token"] = tokens.GetProperty("access_token").GetString(),
            ["subject_token_type"] = AccessTokenType,
            ["audience"] = Download,
        });

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("unauthorized_client", body.GetProperty("error").GetString());
    }

    [Fact]
    public async Task A_refresh_token_is_not_accepted_as_subject_token()
    {
        var tokens = await _oidc.CodeFlowAsync("alice", "openid profile offline_access");

        var (status, body) = await ExchangeAsync(tokens, new() { ["audience"] = Download },
            subjectToken: tokens.GetProperty("refresh_token").GetString(), subjectTokenType: "urn:ietf:params:oauth:token-type:refresh_token");

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("invalid_request", body.GetProperty("error").GetString());
    }

    [Fact]
    public async Task Exchange_is_logged_and_audited_with_client_account_and_target()
    {
        var tokens = await _oidc.CodeFlowAsync("bob", "openid profile");

        var (status, body) = await ExchangeAsync(tokens, new() { ["audience"] = Download });

        Assert.Equal(HttpStatusCode.OK, status);
        var subject = new JsonWebToken(body.GetProperty("access_token").GetString()!).Subject;
        Assert.Contains(fixture.Factory.Logs.Lines, message =>
            message.StartsWith("Token exchange: client demo-portal received an access token of account ", StringComparison.Ordinal) &&
            message.Contains(Download, StringComparison.Ordinal));
        await using var scope = fixture.Factory.Services.CreateAsyncScope();
        var audited = await scope.ServiceProvider.GetRequiredService<ProxyDbContext>().AuditEvents.AsNoTracking()
            .Where(auditEvent => auditEvent.Action == AuditActions.TokenExchanged && auditEvent.Target == subject).ToListAsync();
        var exchange = Assert.Single(audited);
        Assert.Equal(AuditActors.Client(OidcTestClient.PortalClientId), exchange.Actor);
        Assert.Equal(Download, JsonSerializer.Deserialize<Dictionary<string, string>>(exchange.Details)!["audience"]);
    }

    [Fact]
    public async Task Exchanged_token_expires_no_later_than_the_subject_token()
    {
        var tokens = await _oidc.CodeFlowAsync("alice", "openid profile");
        var original = new JsonWebToken(tokens.GetProperty("access_token").GetString()!);

        var (status, body) = await ExchangeAsync(tokens, new() { ["audience"] = Download });

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.True(new JsonWebToken(body.GetProperty("access_token").GetString()!).ValidTo <= original.ValidTo);
    }

    private Task<(HttpStatusCode Status, JsonElement Body)> ExchangeAsync(JsonElement tokens, Dictionary<string, string?> parameters,
        string? subjectToken = null, string subjectTokenType = AccessTokenType) =>
        _oidc.TokenAsync(new(parameters)
        {
            ["grant_type"] = "urn:ietf:params:oauth:grant-type:token-exchange",
            ["client_id"] = OidcTestClient.PortalClientId,
            ["subject_token"] = subjectToken ?? tokens.GetProperty("access_token").GetString(),
            ["subject_token_type"] = subjectTokenType,
        });
}
