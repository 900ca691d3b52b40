using System.Net;
using AaiProxy.Data;
using AaiProxy.Server.Configuration;
using AaiProxy.Server.Oidc;
using AaiProxy.Server.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using OpenIddict.Abstractions;
using OpenIddict.EntityFrameworkCore.Models;

namespace AaiProxy.Server.Tests.Oidc;

/// <summary>Clients the token and introspection endpoints looked up recently (issue 18): one query per lifetime, never a shared instance.</summary>
public sealed class RecentClientsTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 1, 5, 8, 0, 0, TimeSpan.Zero));

    [Fact]
    public async Task Find_GivesANewDetachedCopyEachTime_EqualToTheStoredClient()
    {
        await using var database = await TestDatabase.CreateAsync();
        await using var factory = new ProxyFactory(database);
        var (stored, entityType) = await StoredServiceClientAsync(factory);
        var recent = Create(TimeSpan.FromSeconds(10));
        recent.Remember(RecentClients.ByClientId(OidcTestClient.ServiceClientId), entityType, stored);

        var first = recent.Find<OpenIddictEntityFrameworkCoreApplication>(RecentClients.ByClientId(OidcTestClient.ServiceClientId))!;
        first.Permissions = "[]";
        var second = recent.Find<OpenIddictEntityFrameworkCoreApplication>(RecentClients.ByClientId(OidcTestClient.ServiceClientId))!;

        Assert.NotSame(stored, first);
        Assert.NotSame(first, second);
        Assert.Equal(stored.Id, second.Id);
        Assert.Equal(stored.ClientSecret, second.ClientSecret);
        Assert.Equal(stored.ConcurrencyToken, second.ConcurrencyToken);
        Assert.Equal(stored.Permissions, second.Permissions);
        Assert.Empty(second.Tokens);
    }

    [Fact]
    public async Task Find_ForgetsAClientOnceItsLifetimeEnds()
    {
        await using var database = await TestDatabase.CreateAsync();
        await using var factory = new ProxyFactory(database);
        var (stored, entityType) = await StoredServiceClientAsync(factory);
        var recent = Create(TimeSpan.FromSeconds(10));
        recent.Remember(RecentClients.ById(stored.Id!), entityType, stored);

        _time.Advance(TimeSpan.FromSeconds(9));
        Assert.NotNull(recent.Find<OpenIddictEntityFrameworkCoreApplication>(RecentClients.ById(stored.Id!)));
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.Null(recent.Find<OpenIddictEntityFrameworkCoreApplication>(RecentClients.ById(stored.Id!)));
    }

    [Fact]
    public async Task Remember_KeepsNothingWhenTheLifetimeIsZero()
    {
        await using var database = await TestDatabase.CreateAsync();
        await using var factory = new ProxyFactory(database);
        var (stored, entityType) = await StoredServiceClientAsync(factory);
        var recent = Create(TimeSpan.Zero);

        recent.Remember(RecentClients.ByClientId(OidcTestClient.ServiceClientId), entityType, stored);

        Assert.Null(recent.Find<OpenIddictEntityFrameworkCoreApplication>(RecentClients.ByClientId(OidcTestClient.ServiceClientId)));
    }

    [Fact]
    public async Task Token_AfterTheClientIsRemovedThroughTheManager_RefusesItAtOnce()
    {
        await using var database = await TestDatabase.CreateAsync();
        await using var factory = new ProxyFactory(database);
        var oidc = new OidcTestClient(factory);
        Assert.Equal(HttpStatusCode.OK, (await oidc.ClientCredentialsAsync()).Status);

        await using (var scope = factory.Services.CreateAsyncScope())
        {
            var applications = scope.ServiceProvider.GetRequiredService<IOpenIddictApplicationManager>();
            await applications.DeleteAsync(await applications.FindByClientIdAsync(OidcTestClient.ServiceClientId) ?? throw new InvalidOperationException("no demo-service"));
        }

        var (status, body) = await oidc.ClientCredentialsAsync();
        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.Equal("invalid_client", body.GetProperty("error").GetString());
    }

    [Fact]
    public async Task Token_AChangeBehindTheManagersBack_IsSeenWhenTheLifetimeEnds()
    {
        // What another node's change looks like to this one: the row changes, nothing here is told.
        await using var database = await TestDatabase.CreateAsync();
        await using var factory = new TimedProxyFactory(database, _time);
        var oidc = new OidcTestClient(factory);
        Assert.Equal(HttpStatusCode.OK, (await oidc.ClientCredentialsAsync()).Status);
        await using (var scope = factory.Services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<ProxyDbContext>().Set<OpenIddictEntityFrameworkCoreApplication>()
                .Where(application => application.ClientId == OidcTestClient.ServiceClientId)
                .ExecuteUpdateAsync(set => set.SetProperty(application => application.Permissions, "[]"));
        }

        Assert.Equal(HttpStatusCode.OK, (await oidc.ClientCredentialsAsync()).Status);
        _time.Advance(factory.Services.GetRequiredService<IOptions<ProxyOptions>>().Value.Tokens.ClientLookupLifetime);
        var (status, body) = await oidc.ClientCredentialsAsync();
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("unauthorized_client", body.GetProperty("error").GetString());
    }

    private RecentClients Create(TimeSpan lifetime) =>
        new(_time, Options.Create(new ProxyOptions { Tokens = new TokenOptions { ClientLookupLifetime = lifetime } }));

    private static async Task<(OpenIddictEntityFrameworkCoreApplication Stored, Microsoft.EntityFrameworkCore.Metadata.IEntityType EntityType)> StoredServiceClientAsync(ProxyFactory factory)
    {
        await using var scope = factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ProxyDbContext>();
        var stored = await db.Set<OpenIddictEntityFrameworkCoreApplication>().AsNoTracking()
            .SingleAsync(application => application.ClientId == OidcTestClient.ServiceClientId);
        return (stored, db.Model.FindEntityType(typeof(OpenIddictEntityFrameworkCoreApplication))!);
    }

    /// <summary>The proxy with a clock the test moves.</summary>
    private sealed class TimedProxyFactory(TestDatabase database, TimeProvider time) : ProxyFactory(database)
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.ConfigureTestServices(services => services.AddSingleton(time));
        }
    }
}
