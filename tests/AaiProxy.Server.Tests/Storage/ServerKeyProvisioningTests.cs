using System.Security.Cryptography;
using AaiProxy.Data;
using AaiProxy.Data.Entities;
using AaiProxy.Identity;
using AaiProxy.Server.Configuration;
using AaiProxy.Server.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace AaiProxy.Server.Tests.Storage;

/// <summary>
/// Two nodes on one database provision a usage's first key at the same time: each found none, generated one (which takes
/// a while) and stores it. The key stored first must stay the only one: stored as its successor, the second would retire
/// it at once while the first node still signs and decrypts with it (seen as SAML responses refused on the other node).
/// </summary>
public sealed class ServerKeyProvisioningTests : IAsyncLifetime
{
    private TestDatabase database = null!;
    private ProxyFactory proxy = null!;

    public async Task InitializeAsync()
    {
        database = await TestDatabase.CreateAsync();
        proxy = new ProxyFactory(database);
        _ = proxy.Server;
    }

    public async Task DisposeAsync()
    {
        await proxy.DisposeAsync();
        await database.DisposeAsync();
    }

    [Fact]
    public async Task A_first_key_stored_by_another_node_meanwhile_is_kept_and_ours_is_not_stored()
    {
        // ES256 signing keys: not provisioned by the default configuration (RS256), so this test alone provisions them.
        using var firstNode = proxy.Services.CreateScope();
        using var secondNode = proxy.Services.CreateScope();
        var first = firstNode.ServiceProvider.GetRequiredService<ServerKeyStore>();
        var second = secondNode.ServiceProvider.GetRequiredService<ServerKeyStore>();
        Assert.DoesNotContain(first.Published(ServerKeyUsage.Signing), key => key.Algorithm == SigningAlgorithms.ES256);

        Assert.True(first.Add(SigningAlgorithms.ES256, ServerKeyUsage.Signing, NewP256Key(), AuditActors.Configuration));
        Assert.False(second.Add(SigningAlgorithms.ES256, ServerKeyUsage.Signing, NewP256Key(), AuditActors.Configuration));

        var stored = await Rows(SigningAlgorithms.ES256);
        var kept = Assert.Single(stored);
        Assert.Equal(1, kept.Version);
        Assert.Equal(ServerKeyStatus.Active, kept.Status);
        Assert.Null(kept.RetiresAt);
        Assert.Equal(kept.Id, Assert.Single(second.Published(ServerKeyUsage.Signing), key => key.Algorithm == SigningAlgorithms.ES256).Id);
    }

    [Fact]
    public async Task A_usage_whose_keys_are_all_retired_gets_a_new_first_key()
    {
        using var scope = proxy.Services.CreateScope();
        var store = scope.ServiceProvider.GetRequiredService<ServerKeyStore>();
        Assert.True(store.Add(SigningAlgorithms.ES256, ServerKeyUsage.Signing, NewP256Key(), AuditActors.Configuration));
        var db = scope.ServiceProvider.GetRequiredService<ProxyDbContext>();
        foreach (var key in db.ServerKeys.Where(key => key.Algorithm == SigningAlgorithms.ES256))
        {
            key.Status = ServerKeyStatus.Retired;
        }

        await db.SaveChangesAsync();

        Assert.True(store.Add(SigningAlgorithms.ES256, ServerKeyUsage.Signing, NewP256Key(), AuditActors.Configuration));
        Assert.Equal([1, 2], (await Rows(SigningAlgorithms.ES256)).Select(key => key.Version).Order());
    }

    [Fact]
    public async Task A_node_whose_clock_is_behind_uses_the_first_saml_keys_another_node_stored()
    {
        // This node stores the SAML keys, active from its "now"; a node whose clock is a minute behind reads them
        // before that moment, and must sign and publish with them all the same (before: "No SamlSigning key is active yet").
        var metadata = await proxy.CreateClient().GetStringAsync("/saml/metadata");
        var behind = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(DateTimeOffset.UtcNow - TimeSpan.FromMinutes(1));
        await using var lagging = new FakeClockProxyFactory(database, behind);

        using var answer = await lagging.CreateClient().GetAsync("/saml/metadata");

        Assert.Equal(System.Net.HttpStatusCode.OK, answer.StatusCode);
        Assert.Equal(Certificates(metadata), Certificates(await answer.Content.ReadAsStringAsync()));
        using var scope = proxy.Services.CreateScope();
        var samlSigning = await scope.ServiceProvider.GetRequiredService<ProxyDbContext>().ServerKeys.AsNoTracking()
            .Where(key => key.Usage == ServerKeyUsage.SamlSigning).ToListAsync();
        Assert.Equal(1, Assert.Single(samlSigning).Version);
    }

    private static List<string> Certificates(string metadata) =>
        [.. System.Xml.Linq.XDocument.Parse(metadata).Descendants(System.Xml.Linq.XName.Get("X509Certificate", "http://www.w3.org/2000/09/xmldsig#"))
            .Select(certificate => certificate.Value.Trim()).Order(StringComparer.Ordinal)];

    private static byte[] NewP256Key()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        return key.ExportPkcs8PrivateKey();
    }

    private async Task<List<ServerKeyEntity>> Rows(string algorithm)
    {
        using var scope = proxy.Services.CreateScope();
        return await scope.ServiceProvider.GetRequiredService<ProxyDbContext>().ServerKeys.AsNoTracking()
            .Where(key => key.Algorithm == algorithm).ToListAsync();
    }
}
