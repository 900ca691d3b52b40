using AaiProxy.Federation.Sources;
using AaiProxy.Federation.Tests.Generation;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace AaiProxy.Federation.Tests.Sources;

/// <summary>A provider over one aggregate file in a temporary directory, on a fake clock.</summary>
internal sealed class ProviderTestBed : IDisposable
{
    private readonly DirectoryInfo _directory = System.IO.Directory.CreateTempSubdirectory("aaiproxy-federation-");

    public ProviderTestBed(EntityFilter? filter = null, TimeSpan? refreshInterval = null)
    {
        AggregatePath = Path.Combine(_directory.FullName, "aggregate.xml");
        Source = new FileAggregateSource("test-federation", AggregatePath, Fixtures.Anchor, refreshInterval ?? TimeSpan.FromHours(1), filter);
        Provider = new FederationMetadataProvider([Source], Time, NullLogger<FederationMetadataProvider>.Instance);
    }

    public FakeTimeProvider Time { get; } = new(Fixtures.Now);

    public string AggregatePath { get; }

    public FileAggregateSource Source { get; }

    public FederationMetadataProvider Provider { get; }

    public string Directory => _directory.FullName;

    public void Publish(string xml) => File.WriteAllText(AggregatePath, xml);

    public void Dispose()
    {
        Provider.Dispose();
        _directory.Delete(recursive: true);
    }
}
