using AaiProxy.Federation.Reading;
using AaiProxy.Federation.Trust;

namespace AaiProxy.Federation.Sources;

/// <summary>A signed aggregate (<c>EntitiesDescriptor</c>) in a file, verified against a pinned trust anchor.</summary>
public sealed class FileAggregateSource : MetadataSource
{
    private readonly string _path;
    private readonly MetadataTrustAnchor _anchor;
    private readonly MetadataReadOptions _options;

    /// <param name="options">Defaults to <see cref="MetadataReadOptions.Aggregate"/> (validUntil required).</param>
    public FileAggregateSource(string name, string path, MetadataTrustAnchor anchor, TimeSpan refreshInterval,
        EntityFilter? filter = null, MetadataReadOptions? options = null)
        : base(name, refreshInterval, filter)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        ArgumentNullException.ThrowIfNull(anchor);
        _path = path;
        _anchor = anchor;
        _options = options ?? MetadataReadOptions.Aggregate;
    }

    public override async Task<MetadataDocument> LoadAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        var bytes = await MetadataFiles.ReadAsync(_path, _options, cancellationToken).ConfigureAwait(false);
        return SignedMetadataLoader.Load(bytes, _anchor, _options, now);
    }
}

/// <summary>Reading a metadata file whole, bounded by the read limits; I/O failures reject the read.</summary>
internal static class MetadataFiles
{
    public static async Task<byte[]> ReadAsync(string path, MetadataReadOptions options, CancellationToken cancellationToken)
    {
        try
        {
            // A UTF-8 character takes at most four bytes: anything larger cannot be within the limit.
            var length = new FileInfo(path).Length;
            if (length > options.Limits.MaxCharacters * 4)
            {
                throw new MetadataRejectedException(MetadataRejection.TooLarge,
                    $"'{path}' has {length} bytes, more than {options.Limits.MaxCharacters} characters can take.");
            }

            return await File.ReadAllBytesAsync(path, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new MetadataRejectedException(MetadataRejection.Unavailable, $"'{path}' cannot be read: {ex.Message}", ex);
        }
    }
}
