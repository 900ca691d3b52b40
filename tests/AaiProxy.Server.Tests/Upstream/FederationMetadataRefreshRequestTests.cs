using AaiProxy.Federation;
using AaiProxy.Federation.Generation;
using AaiProxy.Federation.Sources;
using AaiProxy.Server.Tests.Infrastructure;
using AaiProxy.Server.Upstream.Saml;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace AaiProxy.Server.Tests.Upstream;

/// <summary><c>metadata refresh</c>: a request recorded in the shared database makes every node read its aggregates
/// again at its next look (every <see cref="FederationMetadataRefreshRequests.PollInterval"/>), long before their timers.</summary>
public sealed class FederationMetadataRefreshRequestTests
{
    [Fact]
    public async Task Nodes_on_one_database_read_a_fixed_aggregate_again_at_their_next_look_after_an_operator_asks()
    {
        using var federation = new GeneratedFederationFiles(entities: 3);
        var signed = await File.ReadAllTextAsync(federation.AggregateFile);
        // Until the federation publishes again, the file holds what its signature check refuses.
        await File.WriteAllTextAsync(federation.AggregateFile, "<EntitiesDescriptor xmlns=\"urn:oasis:names:tc:SAML:2.0:metadata\"/>");
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var database = await TestDatabase.CreateAsync();
        await using var nodeA = new TimedProxyFactory(database, time, federation.Settings(name: "refreshed-federation"));
        _ = nodeA.Server; // one node at a time migrates the shared database
        await using var nodeB = new TimedProxyFactory(database, time, federation.Settings(name: "refreshed-federation"));
        _ = nodeB.Server;
        var providers = new[] { nodeA, nodeB }.Select(node => node.Services.GetRequiredService<FederationMetadataProvider>()).ToList();
        Assert.All(providers, provider => Assert.False(Assert.Single(provider.Status).IsReady));

        await File.WriteAllTextAsync(federation.AggregateFile, signed);
        var reloaded = providers.Select(Reloaded).ToList();
        await using (var scope = nodeA.Services.CreateAsyncScope())
        {
            await FederationMetadataRefreshRequests.RequestAsync(scope.ServiceProvider, CancellationToken.None);
        }

        time.Advance(FederationMetadataRefreshRequests.PollInterval);

        var statuses = await Task.WhenAll(reloaded.Select(task => task.WaitAsync(TimeSpan.FromSeconds(20))));
        Assert.All(statuses, status => Assert.True(status.IsReady, status.LastError));
        Assert.All(providers, provider => Assert.NotNull(provider.Index.FindMetadata(AggregateGenerator.EntityId(0))));
        Assert.Contains(nodeB.Logs.Lines, line => line.StartsWith("Reading the federation aggregates again: an operator asked for it", StringComparison.Ordinal));
    }

    private static Task<MetadataSourceStatus> Reloaded(FederationMetadataProvider provider)
    {
        var refreshed = new TaskCompletionSource<MetadataSourceStatus>(TaskCreationOptions.RunContinuationsAsynchronously);
        provider.Refreshed += status => refreshed.TrySetResult(status);
        return refreshed.Task;
    }

    /// <summary>A node on the shared database with the clock the test moves.</summary>
    private sealed class TimedProxyFactory(TestDatabase database, TimeProvider time, Dictionary<string, string> overrides)
        : ProxyFactory(database, overrides: overrides)
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.ConfigureTestServices(services => services.AddSingleton(time));
        }
    }
}
