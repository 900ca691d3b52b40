using System.Net;
using AaiProxy.Server.Configuration;
using AaiProxy.Server.Oidc;
using AaiProxy.Server.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using OpenIddict.Abstractions;

namespace AaiProxy.Server.Tests.Oidc;

/// <summary>The short-lived memory of verified client secrets (issue 18): cheaper, never weaker.</summary>
public sealed class VerifiedClientSecretsTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 1, 5, 8, 0, 0, TimeSpan.Zero));

    private VerifiedClientSecrets Create(TimeSpan lifetime) =>
        new(_time, Options.Create(new ProxyOptions { Tokens = new TokenOptions { VerifiedSecretLifetime = lifetime } }));

    [Fact]
    public void Matches_a_remembered_secret_until_its_lifetime_ends()
    {
        var verified = Create(TimeSpan.FromMinutes(5));
        verified.Remember("hash-1", "s3cret-value");

        Assert.True(verified.Matches("hash-1", "s3cret-value"));
        _time.Advance(TimeSpan.FromMinutes(5));
        Assert.Null(verified.Matches("hash-1", "s3cret-value"));
    }

    [Fact]
    public void Rejects_another_secret_for_a_remembered_hash()
    {
        var verified = Create(TimeSpan.FromMinutes(5));
        verified.Remember("hash-1", "s3cret-value");

        Assert.False(verified.Matches("hash-1", "s3cret-valuf"));
        Assert.False(verified.Matches("hash-1", ""));
    }

    [Fact]
    public void Knows_nothing_of_a_rotated_hash()
    {
        var verified = Create(TimeSpan.FromMinutes(5));
        verified.Remember("hash-before-rotation", "s3cret-value");

        Assert.Null(verified.Matches("hash-after-rotation", "s3cret-value"));
    }

    [Fact]
    public void Remembers_nothing_when_the_lifetime_is_zero()
    {
        var verified = Create(TimeSpan.Zero);
        verified.Remember("hash-1", "s3cret-value");

        Assert.Null(verified.Matches("hash-1", "s3cret-value"));
    }
}

/// <summary>The token endpoint with remembered secrets and, per client, unstored client-credentials tokens.</summary>
public sealed class TokenEndpointCostTests
{
    [Fact]
    public async Task Token_ClientCredentials_RemembersTheVerifiedSecretForTheStoredHash()
    {
        await using var database = await TestDatabase.CreateAsync();
        await using var factory = new ProxyFactory(database);
        var oidc = new OidcTestClient(factory);

        var (status, _) = await oidc.ClientCredentialsAsync();

        Assert.Equal(HttpStatusCode.OK, status);
        var verified = factory.Services.GetRequiredService<VerifiedClientSecrets>();
        Assert.True(verified.Matches(await StoredHashAsync(factory), OidcTestClient.ServiceSecret));
    }

    [Fact]
    public async Task Token_WrongSecretAfterAVerifiedOne_IsStillInvalidClient()
    {
        await using var database = await TestDatabase.CreateAsync();
        await using var factory = new ProxyFactory(database);
        var oidc = new OidcTestClient(factory);
        Assert.Equal(HttpStatusCode.OK, (await oidc.ClientCredentialsAsync()).Status);

        var (status, body) = await oidc.ClientCredentialsAsync(secret: OidcTestClient.ServiceSecret + "x");

        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.Equal("invalid_client", body.GetProperty("error").GetString());
    }

    [Fact]
    public async Task Token_AfterSecretRotation_RefusesTheRememberedOldSecret()
    {
        await using var database = await TestDatabase.CreateAsync();
        await using var factory = new ProxyFactory(database);
        var oidc = new OidcTestClient(factory);
        Assert.Equal(HttpStatusCode.OK, (await oidc.ClientCredentialsAsync()).Status);

        const string rotated = "rotated-demo-service-secret-0123456789";
        await using (var scope = factory.Services.CreateAsyncScope())
        {
            var applications = scope.ServiceProvider.GetRequiredService<IOpenIddictApplicationManager>();
            var application = await applications.FindByClientIdAsync(OidcTestClient.ServiceClientId) ?? throw new InvalidOperationException("no demo-service");
            var descriptor = new OpenIddictApplicationDescriptor();
            await applications.PopulateAsync(descriptor, application);
            descriptor.ClientSecret = rotated;
            await applications.UpdateAsync(application, descriptor);
        }

        Assert.Equal(HttpStatusCode.Unauthorized, (await oidc.ClientCredentialsAsync()).Status);
        Assert.Equal(HttpStatusCode.OK, (await oidc.ClientCredentialsAsync(secret: rotated)).Status);
    }

    [Fact]
    public async Task Token_ClientCredentials_StoredByDefaultAndRevocable()
    {
        await using var database = await TestDatabase.CreateAsync();
        await using var factory = new ProxyFactory(database);
        var oidc = new OidcTestClient(factory);
        var accessToken = (await oidc.ClientCredentialsAsync()).Body.GetProperty("access_token").GetString()!;
        Assert.True((await IntrospectAsync(oidc, accessToken)).GetProperty("active").GetBoolean());

        using var revocation = await oidc.Http.PostAsync("/connect/revoke", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["token"] = accessToken,
            ["client_id"] = OidcTestClient.ServiceClientId,
            ["client_secret"] = OidcTestClient.ServiceSecret,
        }));

        Assert.Equal(HttpStatusCode.OK, revocation.StatusCode);
        Assert.False((await IntrospectAsync(oidc, accessToken)).GetProperty("active").GetBoolean());
    }

    [Fact]
    public async Task Token_ClientCredentialsOfAnUnstoredClient_WritesNoTokenEntryAndStaysValidAndActive()
    {
        await using var database = await TestDatabase.CreateAsync();
        await using var factory = new ProxyFactory(database, overrides: new Dictionary<string, string>
        {
            // demo.json's second client is demo-service.
            ["AaiProxy:Clients:1:StoreClientCredentialsTokens"] = "false",
        });
        var oidc = new OidcTestClient(factory);
        var before = await TokenCountAsync(factory);

        var (status, body) = await oidc.ClientCredentialsAsync();

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(before, await TokenCountAsync(factory));
        var accessToken = body.GetProperty("access_token").GetString()!;
        Assert.True((await oidc.ValidateAsync(accessToken, "https://data-catalogue.demo.aaiproxy.example.org/")).IsValid);
        Assert.True((await IntrospectAsync(oidc, accessToken)).GetProperty("active").GetBoolean());
    }

    private static async Task<System.Text.Json.JsonElement> IntrospectAsync(OidcTestClient oidc, string accessToken)
    {
        var (status, body) = await oidc.TokenAsync(new()
        {
            ["token"] = accessToken,
            ["client_id"] = OidcTestClient.ServiceClientId,
            ["client_secret"] = OidcTestClient.ServiceSecret,
        }, "/connect/introspect");
        Assert.Equal(HttpStatusCode.OK, status);
        return body;
    }

    private static async Task<long> TokenCountAsync(ProxyFactory factory)
    {
        await using var scope = factory.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<IOpenIddictTokenManager>().CountAsync();
    }

    private static async Task<string> StoredHashAsync(ProxyFactory factory)
    {
        await using var scope = factory.Services.CreateAsyncScope();
        var applications = scope.ServiceProvider.GetRequiredService<IOpenIddictApplicationManager>();
        var application = await applications.FindByClientIdAsync(OidcTestClient.ServiceClientId) ?? throw new InvalidOperationException("no demo-service");
        var descriptor = new OpenIddictApplicationDescriptor();
        await applications.PopulateAsync(descriptor, application);
        return descriptor.ClientSecret ?? throw new InvalidOperationException("no stored hash");
    }
}
