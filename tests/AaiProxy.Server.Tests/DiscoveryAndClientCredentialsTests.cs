using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using AaiProxy.Server.Tests.Infrastructure;
using Microsoft.IdentityModel.JsonWebTokens;

namespace AaiProxy.Server.Tests;

public sealed class DiscoveryAndClientCredentialsTests(ProxyFixture fixture) : IClassFixture<ProxyFixture>
{
    private readonly OidcTestClient _oidc = new(fixture.Factory);

    [Fact]
    public async Task Discovery_ListsGrantTypesAndOnlyS256()
    {
        var discovery = await _oidc.Http.GetFromJsonAsync<JsonElement>("/.well-known/openid-configuration");

        var grants = discovery.GetProperty("grant_types_supported").EnumerateArray().Select(grant => grant.GetString()).ToList();
        Assert.Contains("authorization_code", grants);
        Assert.Contains("refresh_token", grants);
        Assert.Contains("client_credentials", grants);
        Assert.Equal(["S256"], discovery.GetProperty("code_challenge_methods_supported").EnumerateArray().Select(method => method.GetString()));
        Assert.Equal("http://localhost/connect/par", discovery.GetProperty("pushed_authorization_request_endpoint").GetString());
        Assert.Equal(["RS256"], discovery.GetProperty("id_token_signing_alg_values_supported").EnumerateArray().Select(alg => alg.GetString()));
    }

    [Fact]
    public async Task Token_ClientCredentials_ReturnsAtJwtVerifiedByJwks()
    {
        var (status, body) = await _oidc.ClientCredentialsAsync();

        Assert.Equal(HttpStatusCode.OK, status);
        var accessToken = body.GetProperty("access_token").GetString()!;
        var jwt = new JsonWebToken(accessToken);
        Assert.Equal("at+jwt", jwt.Typ);
        Assert.Equal("RS256", jwt.Alg);
        var validation = await _oidc.ValidateAsync(accessToken);
        Assert.True(validation.IsValid, validation.Exception?.Message);
        Assert.Equal("demo-service", jwt.Subject);
        Assert.Contains((await _oidc.JwksAsync()).Keys, key => key.Kid == jwt.Kid);
    }

    [Fact]
    public async Task Jwks_AfterRestartOnTheSameDatabase_KeepsTheSameKid()
    {
        var before = (await _oidc.JwksAsync()).Keys.Select(key => key.Kid).ToList();

        await using var restarted = new ProxyFactory(fixture.Database);
        var after = (await new OidcTestClient(restarted).JwksAsync()).Keys.Select(key => key.Kid).ToList();

        Assert.Single(before);
        Assert.Equal(before, after);
    }

    [Fact]
    public async Task Token_UnknownClient_IsInvalidClientAndLogged()
    {
        var (status, body) = await _oidc.ClientCredentialsAsync(clientId: "no-such-client");

        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.Equal("invalid_client", body.GetProperty("error").GetString());
        Assert.Contains(fixture.Factory.Logs.Lines, line => line.Contains("invalid_client") && line.Contains("client_id=no-such-client"));
    }

    [Fact]
    public async Task Token_BadClientSecret_IsInvalidClientAndSecretNeverLogged()
    {
        var (status, body) = await _oidc.ClientCredentialsAsync(secret: "wrong-secret-value");

        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.Equal("invalid_client", body.GetProperty("error").GetString());
        Assert.DoesNotContain(fixture.Factory.Logs.Lines, line => line.Contains("wrong-secret-value") || line.Contains(OidcTestClient.ServiceSecret));
    }

    [Fact]
    public async Task Token_GrantNotAllowedForClient_IsUnauthorizedClient()
    {
        // The web app may use the code and refresh grants, not client credentials.
        var (status, body) = await _oidc.ClientCredentialsAsync(ProxyFactory.WebAppClientId, ProxyFactory.WebAppSecret);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("unauthorized_client", body.GetProperty("error").GetString());
    }

    [Fact]
    public async Task Token_SigningAlgorithmEs256_SignsTokensWithEs256()
    {
        await using var database = await TestDatabase.CreateAsync();
        await using var factory = new ProxyFactory(database, overrides: new Dictionary<string, string> { ["AaiProxy:Tokens:SigningAlgorithm"] = "ES256" });
        var oidc = new OidcTestClient(factory);

        var (_, body) = await oidc.ClientCredentialsAsync();

        var accessToken = body.GetProperty("access_token").GetString()!;
        Assert.Equal("ES256", new JsonWebToken(accessToken).Alg);
        Assert.True((await oidc.ValidateAsync(accessToken)).IsValid);
    }
}
