using System.Net;
using System.Text.Json;
using AaiProxy.Server.Tests.Infrastructure;
using AaiProxy.Tests.Shared;
using Microsoft.IdentityModel.JsonWebTokens;

namespace AaiProxy.Server.Tests.Oidc;

/// <summary>
/// The proxy with a client configured for reference access tokens (<c>AccessTokenFormat: Reference</c>, test client 2) whose
/// tokens are for the demo data catalogue, and the catalogue as a resource server (test client 1: its client id is its
/// resource indicator, so it may introspect the tokens issued for it).
/// </summary>
public sealed class ReferenceTokenProxyFixture : ProxyFixture
{
    public const string CatalogueResource = ResourceServerProxyFixture.CatalogueResource;
    public const string CatalogueSecret = "catalogue-secret";
    public const string ReferenceClientId = "reference-service";
    public const string ReferenceSecret = "reference-secret";

    protected override IReadOnlyDictionary<string, string> Overrides { get; } = new Dictionary<string, string>
    {
        [ConfiguredClients.Key(1, "ClientId")] = CatalogueResource,
        [ConfiguredClients.Key(1, "ClientSecret")] = CatalogueSecret,
        [ConfiguredClients.Key(1, "AllowedGrants:0")] = "client_credentials",
        [ConfiguredClients.Key(2, "ClientId")] = ReferenceClientId,
        [ConfiguredClients.Key(2, "ClientSecret")] = ReferenceSecret,
        [ConfiguredClients.Key(2, "AllowedGrants:0")] = "client_credentials",
        [ConfiguredClients.Key(2, "AllowedScopes:0")] = "eduperson_entitlement",
        [ConfiguredClients.Key(2, "Resources:0")] = CatalogueResource,
        [ConfiguredClients.Key(2, "AccessTokenFormat")] = "Reference",
    };
}

/// <summary>Opaque reference access tokens per client, checked by introspection (RFC 7662): revocation takes effect at once.</summary>
public sealed class ReferenceAccessTokenTests(ReferenceTokenProxyFixture fixture) : IClassFixture<ReferenceTokenProxyFixture>
{
    private readonly OidcTestClient _oidc = new(fixture.Factory);

    [Fact]
    public async Task Reference_token_is_opaque_introspects_active_for_its_resource_server_and_inactive_at_once_after_revocation()
    {
        var (status, tokens) = await _oidc.ClientCredentialsAsync(ReferenceTokenProxyFixture.ReferenceClientId, ReferenceTokenProxyFixture.ReferenceSecret);
        Assert.True(status == HttpStatusCode.OK, tokens.ToString());
        var token = tokens.GetProperty("access_token").GetString()!;

        var active = await IntrospectAsync(token, ReferenceTokenProxyFixture.CatalogueResource, ReferenceTokenProxyFixture.CatalogueSecret);
        var (revoked, _) = await _oidc.TokenAsync(new()
        {
            ["token"] = token,
            ["token_type_hint"] = "access_token",
            ["client_id"] = ReferenceTokenProxyFixture.ReferenceClientId,
            ["client_secret"] = ReferenceTokenProxyFixture.ReferenceSecret,
        }, "/connect/revoke");
        var afterRevocation = await IntrospectAsync(token, ReferenceTokenProxyFixture.CatalogueResource, ReferenceTokenProxyFixture.CatalogueSecret);

        Assert.False(new JsonWebTokenHandler().CanReadToken(token), "a reference token is no JWT");
        Assert.DoesNotContain('.', token);
        Assert.True(active.GetProperty("active").GetBoolean(), active.ToString());
        Assert.Equal(ReferenceTokenProxyFixture.ReferenceClientId, active.GetProperty("client_id").GetString());
        Assert.Equal(ReferenceTokenProxyFixture.CatalogueResource, active.GetProperty("aud").GetString());
        Assert.Equal("eduperson_entitlement", active.GetProperty("scope").GetString());
        Assert.Equal(HttpStatusCode.OK, revoked);
        Assert.False(afterRevocation.GetProperty("active").GetBoolean(), afterRevocation.ToString());
    }

    [Fact]
    public async Task Clients_without_the_setting_still_get_jwt_access_tokens()
    {
        var (status, tokens) = await _oidc.ClientCredentialsAsync();
        Assert.True(status == HttpStatusCode.OK, tokens.ToString());
        var token = tokens.GetProperty("access_token").GetString()!;

        var introspected = await IntrospectAsync(token, OidcTestClient.ServiceClientId, OidcTestClient.ServiceSecret);

        Assert.True(new JsonWebTokenHandler().CanReadToken(token));
        Assert.Equal(OidcTestClient.ServiceClientId, new JsonWebToken(token).GetClaim("client_id").Value);
        Assert.True(introspected.GetProperty("active").GetBoolean(), introspected.ToString());
    }

    private async Task<JsonElement> IntrospectAsync(string token, string clientId, string secret)
    {
        var (status, body) = await _oidc.TokenAsync(new()
        {
            ["token"] = token,
            ["client_id"] = clientId,
            ["client_secret"] = secret,
        }, "/connect/introspect");
        Assert.Equal(HttpStatusCode.OK, status);
        return body;
    }
}
