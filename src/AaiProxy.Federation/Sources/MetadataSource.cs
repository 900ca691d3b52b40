using AaiProxy.Federation.Reading;

namespace AaiProxy.Federation.Sources;

/// <summary>What every configured source has: a unique name, a refresh interval and a filter.</summary>
public abstract class MetadataSource : IMetadataSource
{
    protected MetadataSource(string name, TimeSpan refreshInterval, EntityFilter? filter)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(refreshInterval, TimeSpan.Zero);
        Name = name;
        RefreshInterval = refreshInterval;
        Filter = filter ?? EntityFilter.All;
    }

    public string Name { get; }

    public EntityFilter Filter { get; }

    public TimeSpan RefreshInterval { get; }

    public abstract Task<MetadataDocument> LoadAsync(DateTimeOffset now, CancellationToken cancellationToken);
}
