using AaiProxy.Federation.Reading;

namespace AaiProxy.Federation.Sources;

/// <summary>Where a set of identity providers comes from (an aggregate, a directory), with its own trust anchor and filter.</summary>
public interface IMetadataSource
{
    /// <summary>A name for logs and status, unique among the configured sources.</summary>
    string Name { get; }

    EntityFilter Filter { get; }

    /// <summary>How often to read the source again (shortened by a document's cacheDuration).</summary>
    TimeSpan RefreshInterval { get; }

    /// <summary>Reads and, where the source has a trust anchor, verifies the whole set.</summary>
    /// <exception cref="MetadataRejectedException">Nothing from this read may be used.</exception>
    Task<MetadataDocument> LoadAsync(DateTimeOffset now, CancellationToken cancellationToken);
}
