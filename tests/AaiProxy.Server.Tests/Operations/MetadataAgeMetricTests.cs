using System.Diagnostics.Metrics;
using AaiProxy.Federation;
using AaiProxy.Server.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace AaiProxy.Server.Tests.Operations;

/// <summary>Issue 20: <c>aaiproxy.metadata.age</c> says, per configured aggregate, how long ago the set in use was read,
/// by the proxy's clock; an aggregate never read is absent (readiness reports it), not shown as fresh.</summary>
public sealed class MetadataAgeMetricTests
{
    [Fact]
    public async Task The_gauge_reports_seconds_since_each_aggregate_was_read_and_leaves_out_one_never_read()
    {
        using var read = new GeneratedFederationFiles(entities: 2);
        using var unreadable = new GeneratedFederationFiles(entities: 2);
        await File.WriteAllTextAsync(unreadable.AggregateFile, "<EntitiesDescriptor xmlns=\"urn:oasis:names:tc:SAML:2.0:metadata\"/>");
        var settings = read.Settings(index: 0, name: "read-federation");
        foreach (var (key, value) in unreadable.Settings(index: 1, name: "unsigned-federation"))
            settings[key] = value;
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var database = await TestDatabase.CreateAsync();
        await using var proxy = new FakeClockProxyFactory(database, time, settings);
        _ = proxy.Server;
        var federations = proxy.Services.GetRequiredService<FederationMetadataProvider>();
        await WhenBothSourcesTriedAsync(federations);

        time.Advance(TimeSpan.FromSeconds(90));
        using var ages = new ProxyMeasurements(proxy.Services.GetRequiredService<IMeterFactory>(), "aaiproxy.metadata.age");

        var (age, tags) = Assert.Single(ages.Now());
        Assert.Equal("read-federation", tags["source"]);
        Assert.Equal(90, age, precision: 3);
    }

    private static async Task WhenBothSourcesTriedAsync(FederationMetadataProvider federations)
    {
        var tried = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        void Check()
        {
            if (federations.Status.All(status => status.LastSuccess is not null || status.LastFailure is not null))
                tried.TrySetResult();
        }

        federations.Refreshed += _ => Check();
        Check();
        await tried.Task.WaitAsync(TimeSpan.FromSeconds(20));
    }
}
