using System.Text.Json;
using AaiProxy.Data;
using AaiProxy.Data.Entities;
using AaiProxy.Identity;
using AaiProxy.Server.Configuration;
using AaiProxy.Server.Tests.Infrastructure;
using AaiProxy.Tests.Shared;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace AaiProxy.Server.Tests;

public sealed class AuditLogTests(ProxyFixture fixture) : IClassFixture<ProxyFixture>
{
    [Fact]
    public async Task FirstStart_RecordsClientCreatedForEachConfiguredClient()
    {
        var configured = fixture.Factory.Services.GetRequiredService<IOptions<ProxyOptions>>().Value.Clients.Select(client => client.ClientId);

        var events = await EventsAsync(fixture.Factory);

        var created = events.Where(auditEvent => auditEvent.Action == AuditActions.ClientCreated).ToList();
        Assert.Equal(configured.Order(), created.Select(auditEvent => auditEvent.Target).Order());
        Assert.All(created, auditEvent => Assert.Equal(AuditActors.Configuration, auditEvent.Actor));
        var webApp = Details(created.Single(auditEvent => auditEvent.Target == ProxyFactory.WebAppClientId));
        Assert.Equal(ProxyFactory.WebAppRedirectUri, webApp["redirect_uris"]);
        Assert.Equal("set", webApp["client_secret"]);
        Assert.DoesNotContain(ProxyFactory.WebAppSecret, created.Single(auditEvent => auditEvent.Target == ProxyFactory.WebAppClientId).Details);
    }

    [Fact]
    public async Task FirstStart_RecordsKeyCreatedForEveryGeneratedKey()
    {
        // No request yet: the keys are provisioned while the host starts.
        _ = fixture.Factory.Server;

        List<ServerKeyEntity> keys;
        await using (var scope = fixture.Factory.Services.CreateAsyncScope())
        {
            keys = await scope.ServiceProvider.GetRequiredService<ProxyDbContext>().ServerKeys.AsNoTracking().ToListAsync();
        }

        var events = await EventsAsync(fixture.Factory);

        var created = events.Where(auditEvent => auditEvent.Action == AuditActions.KeyCreated).ToList();
        Assert.Equal(keys.Select(key => key.Id).Order(), created.Select(auditEvent => auditEvent.Target).Order());
        Assert.Equal(["demo-idp-signing", "encryption", "saml-decryption", "saml-signing", "signing"], created.Select(auditEvent => Details(auditEvent)["usage"]).Order());
        Assert.All(keys, key => Assert.Equal(key.Algorithm, Details(created.Single(auditEvent => auditEvent.Target == key.Id))["algorithm"]));
    }

    [Fact]
    public async Task Restart_WithTheSameConfiguration_RecordsNothing()
    {
        var before = await EventsAsync(fixture.Factory);

        await using var restarted = new ProxyFactory(fixture.Database);
        _ = restarted.Server;

        Assert.Equal(before.Select(auditEvent => auditEvent.Id), (await EventsAsync(restarted)).Select(auditEvent => auditEvent.Id));
    }

    [Fact]
    public async Task Restart_WithAChangedRedirectUri_RecordsClientUpdatedNamingTheField()
    {
        await using var database = await TestDatabase.CreateAsync();
        await using (var first = new ProxyFactory(database))
        {
            _ = first.Server;
        }

        const string newRedirectUri = "https://webapp.example.org/new-callback";
        await using var changed = new ProxyFactory(database, overrides: new Dictionary<string, string> { [ConfiguredClients.Key(0, "RedirectUris:0")] = newRedirectUri });
        _ = changed.Server;

        var updated = Assert.Single(await EventsAsync(changed), auditEvent => auditEvent.Action == AuditActions.ClientUpdated);
        Assert.Equal(ProxyFactory.WebAppClientId, updated.Target);
        Assert.Equal(new Dictionary<string, string> { ["redirect_uris"] = newRedirectUri }, Details(updated));
        Assert.Contains(changed.Logs.Lines, line => line.Contains(AuditActions.ClientUpdated) && line.Contains(ProxyFactory.WebAppClientId));
    }

    [Fact]
    public async Task Nodes_listening_on_different_addresses_expand_origin_to_the_issuer_and_leave_the_stored_client_alone()
    {
        // Before: {origin} became each node's listening address, so every node rewrote the demo portal at start.
        await using var database = await TestDatabase.CreateAsync();
        Dictionary<string, string> Node(int port) => new() { ["urls"] = $"http://127.0.0.1:{port}", ["AaiProxy:Issuer"] = "https://aai.example.org/" };
        await using (var first = new ProxyFactory(database, overrides: Node(5101)))
        {
            _ = first.Server;
        }

        await using var second = new ProxyFactory(database, overrides: Node(5102));
        _ = second.Server;

        var events = await EventsAsync(second);
        Assert.DoesNotContain(events, auditEvent => auditEvent.Action == AuditActions.ClientUpdated);
        var portal = Details(Assert.Single(events, auditEvent => auditEvent.Action == AuditActions.ClientCreated && auditEvent.Target == OidcTestClient.PortalClientId));
        Assert.Equal("https://aai.example.org/demo/portal/callback", portal["redirect_uris"]);
    }

    [Fact]
    public async Task Restart_WithAChangedSecret_RecordsClientUpdatedWithoutTheSecretValue()
    {
        await using var database = await TestDatabase.CreateAsync();
        await using (var first = new ProxyFactory(database))
        {
            _ = first.Server;
        }

        const string newSecret = "rotated-webapp-secret-4711";
        await using var changed = new ProxyFactory(database, overrides: new Dictionary<string, string> { [ConfiguredClients.Key(0, "ClientSecret")] = newSecret });
        _ = changed.Server;

        var updated = Assert.Single(await EventsAsync(changed), auditEvent => auditEvent.Action == AuditActions.ClientUpdated);
        Assert.Equal(ProxyFactory.WebAppClientId, updated.Target);
        Assert.Equal(new Dictionary<string, string> { ["client_secret"] = "changed" }, Details(updated));
        Assert.DoesNotContain(newSecret, updated.Details);
        Assert.DoesNotContain(changed.Logs.Lines, line => line.Contains(newSecret) || line.Contains(ProxyFactory.WebAppSecret));
    }

    private static async Task<List<AuditEventEntity>> EventsAsync(ProxyFactory factory)
    {
        await using var scope = factory.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<ProxyDbContext>().AuditEvents.AsNoTracking().OrderBy(auditEvent => auditEvent.Id).ToListAsync();
    }

    private static Dictionary<string, string> Details(AuditEventEntity auditEvent) =>
        JsonSerializer.Deserialize<Dictionary<string, string>>(auditEvent.Details)!;
}
