using System.Net;
using System.Text.Json;
using AaiProxy.Server.Tests.Infrastructure;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.IdentityModel.JsonWebTokens;
using static AaiProxy.Server.Tests.Infrastructure.ResourceServerProxyFixture;

namespace AaiProxy.Server.Tests;

/// <summary>Access tokens bound to their audience (RFC 8707, RFC 9068), introspection and revocation by grant.</summary>
public sealed class AudienceTests(ResourceServerProxyFixture fixture) : IClassFixture<ResourceServerProxyFixture>
{
    private readonly OidcTestClient _oidc = new(fixture.Factory);

    [Fact]
    public async Task Access_token_without_resource_is_for_the_clients_default_resource()
    {
        var tokens = await _oidc.CodeFlowAsync("alice");

        Assert.Equal([PortalResource], Audiences(tokens));
    }

    [Fact]
    public async Task Authorization_request_for_an_allowed_resource_binds_the_access_token_to_it()
    {
        var tokens = await _oidc.CodeFlowAsync("alice", resources: [CatalogueResource]);

        Assert.Equal([CatalogueResource], Audiences(tokens));
        Assert.Equal([OidcTestClient.PortalClientId], new JsonWebToken(tokens.GetProperty("id_token").GetString()!).Audiences);
    }

    [Theory]
    [InlineData(OidcTestClient.PortalClientId, OidcTestClient.PortalRedirectUri, "https://elsewhere.example.org/")] // unknown
    [InlineData(ProxyFactory.WebAppClientId, ProxyFactory.WebAppRedirectUri, CatalogueResource)] // another client's
    public async Task Authorization_request_for_a_resource_the_client_may_not_use_is_invalid_target(string clientId, string redirectUri, string resource)
    {
        var request = OidcTestClient.AuthorizationRequest(OidcTestClient.NewPkce(), "openid profile");
        request["client_id"] = clientId;
        request["redirect_uri"] = redirectUri;
        request["resource"] = resource;

        // Refused before the person is asked to sign in; the client and its redirect URI are valid, so the
        // client hears it (RFC 6749 §4.1.2.1, RFC 8707 §2).
        using var response = await fixture.Factory.CreateBrowser().GetAsync(QueryHelpers.AddQueryString("/connect/authorize", request));

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.StartsWith(redirectUri + "?", response.Headers.Location!.ToString(), StringComparison.Ordinal);
        Assert.Equal("invalid_target", OidcTestClient.Query(response.Headers.Location!)["error"]);
    }

    [Fact]
    public async Task Client_credentials_without_resource_is_for_the_clients_default_resource()
    {
        var (_, tokens) = await _oidc.ClientCredentialsAsync();

        Assert.Equal([CatalogueResource], Audiences(tokens));
    }

    [Fact]
    public async Task Client_credentials_of_a_client_without_resources_is_for_the_client_itself()
    {
        var (_, tokens) = await _oidc.TokenAsync(new()
        {
            ["grant_type"] = "client_credentials",
            ["client_id"] = ResourcelessClientId,
            ["client_secret"] = ResourcelessSecret,
        });

        Assert.Equal([ResourcelessClientId], Audiences(tokens));
    }

    [Fact]
    public async Task Client_credentials_for_a_resource_of_another_client_is_invalid_target()
    {
        var (status, body) = await _oidc.TokenAsync(ClientCredentials(new() { ["resource"] = PortalResource }));

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("invalid_target", body.GetProperty("error").GetString());
    }

    [Fact]
    public async Task Client_credentials_with_openid_is_invalid_scope_and_yields_no_id_token()
    {
        var (status, body) = await _oidc.TokenAsync(ClientCredentials(new() { ["scope"] = "openid eduperson_entitlement" }));

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("invalid_scope", body.GetProperty("error").GetString());
        Assert.False(body.TryGetProperty("id_token", out _));
    }

    [Fact]
    public async Task Refresh_naming_one_resource_of_the_grant_narrows_the_access_token_to_it()
    {
        var tokens = await _oidc.CodeFlowAsync("alice", resources: [PortalResource, CatalogueResource]);
        var (status, refreshed) = await RefreshAsync(tokens, PortalResource);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal([PortalResource], Audiences(refreshed));
    }

    [Fact]
    public async Task Refresh_naming_a_resource_outside_the_grant_is_invalid_target()
    {
        var tokens = await _oidc.CodeFlowAsync("alice", resources: [PortalResource]);

        var (status, body) = await RefreshAsync(tokens, CatalogueResource);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("invalid_target", body.GetProperty("error").GetString());
    }

    [Fact]
    public async Task Introspection_by_an_unrelated_confidential_client_is_inactive()
    {
        var tokens = await _oidc.CodeFlowAsync("alice", resources: [CatalogueResource]);

        var body = await IntrospectAsync(tokens, ProxyFactory.WebAppClientId, ProxyFactory.WebAppSecret);

        Assert.False(body.GetProperty("active").GetBoolean());
    }

    [Fact]
    public async Task Introspection_by_the_tokens_audience_reports_scope_sub_client_id_exp_and_aud()
    {
        var tokens = await _oidc.CodeFlowAsync("alice", "openid profile", resources: [CatalogueResource]);

        var body = await IntrospectAsync(tokens, CatalogueResource, CatalogueSecret);

        Assert.True(body.GetProperty("active").GetBoolean());
        Assert.Equal("openid profile", body.GetProperty("scope").GetString());
        Assert.Equal(new JsonWebToken(tokens.GetProperty("id_token").GetString()!).Subject, body.GetProperty("sub").GetString());
        Assert.Equal(OidcTestClient.PortalClientId, body.GetProperty("client_id").GetString());
        Assert.True(body.GetProperty("exp").GetInt64() > DateTimeOffset.UtcNow.ToUnixTimeSeconds());
        Assert.Equal(CatalogueResource, body.GetProperty("aud").GetString());
    }

    [Fact]
    public async Task Revoking_a_refresh_token_makes_the_access_tokens_of_its_grant_inactive_for_introspection_and_userinfo()
    {
        var tokens = await _oidc.CodeFlowAsync("alice", resources: [CatalogueResource]);
        Assert.True((await IntrospectAsync(tokens, CatalogueResource, CatalogueSecret)).GetProperty("active").GetBoolean());

        var (status, _) = await _oidc.TokenAsync(new()
        {
            ["token"] = tokens.GetProperty("refresh_token").GetString(),
            ["token_type_hint"] = "refresh_token",
            ["client_id"] = OidcTestClient.PortalClientId,
        }, "/connect/revoke");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.False((await IntrospectAsync(tokens, CatalogueResource, CatalogueSecret)).GetProperty("active").GetBoolean());
        using var userInfo = await _oidc.UserInfoResponseAsync(tokens.GetProperty("access_token").GetString()!);
        Assert.Equal(HttpStatusCode.Unauthorized, userInfo.StatusCode);
    }

    private static Dictionary<string, string?> ClientCredentials(Dictionary<string, string?> parameters) => new(parameters)
    {
        ["grant_type"] = "client_credentials",
        ["client_id"] = OidcTestClient.ServiceClientId,
        ["client_secret"] = OidcTestClient.ServiceSecret,
    };

    private Task<(HttpStatusCode Status, JsonElement Body)> RefreshAsync(JsonElement tokens, string resource) =>
        _oidc.TokenAsync(new()
        {
            ["grant_type"] = "refresh_token",
            ["refresh_token"] = tokens.GetProperty("refresh_token").GetString(),
            ["client_id"] = OidcTestClient.PortalClientId,
            ["resource"] = resource,
        });

    private async Task<JsonElement> IntrospectAsync(JsonElement tokens, string clientId, string secret)
    {
        var (status, body) = await _oidc.TokenAsync(new()
        {
            ["token"] = tokens.GetProperty("access_token").GetString(),
            ["client_id"] = clientId,
            ["client_secret"] = secret,
        }, "/connect/introspect");
        Assert.Equal(HttpStatusCode.OK, status);
        return body;
    }

    private static IEnumerable<string> Audiences(JsonElement tokens) => new JsonWebToken(tokens.GetProperty("access_token").GetString()!).Audiences;
}
