using AaiProxy.Federation.Model;
using AaiProxy.Federation.Reading;
using AaiProxy.Federation.Trust;

namespace AaiProxy.Federation.Sources;

/// <summary>
/// A directory of <c>*.xml</c> entity descriptors (bilateral IdPs, the demo, tests), read in file
/// name order. A file that cannot be used is reported as skipped; the others still count. Files are
/// the operator's choice, so a signature is checked only when a trust anchor is given.
/// </summary>
public sealed class DirectoryEntitySource : MetadataSource
{
    private readonly string _directory;
    private readonly MetadataTrustAnchor? _anchor;
    private readonly MetadataReadOptions _options;

    public DirectoryEntitySource(string name, string directory, TimeSpan refreshInterval, EntityFilter? filter = null,
        MetadataTrustAnchor? anchor = null, MetadataReadOptions? options = null)
        : base(name, refreshInterval, filter)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        _directory = directory;
        _anchor = anchor;
        _options = options ?? MetadataReadOptions.LocalEntity;
    }

    public override async Task<MetadataDocument> LoadAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        string[] files;
        try
        {
            files = Directory.GetFiles(_directory, "*.xml");
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new MetadataRejectedException(MetadataRejection.Unavailable, $"Directory '{_directory}' cannot be read: {ex.Message}", ex);
        }

        Array.Sort(files, StringComparer.Ordinal);
        var identityProviders = new List<FederationEntity>();
        var skipped = new List<SkippedEntity>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var others = 0;
        foreach (var file in files)
        {
            try
            {
                var bytes = await MetadataFiles.ReadAsync(file, _options, cancellationToken).ConfigureAwait(false);
                var document = SignedMetadataLoader.Load(bytes, _anchor, _options, now);
                others += document.OtherEntities;
                skipped.AddRange(document.Skipped);
                foreach (var idp in document.IdentityProviders)
                {
                    if (seen.Add(idp.EntityId))
                    {
                        identityProviders.Add(idp);
                    }
                    else
                    {
                        skipped.Add(new SkippedEntity(idp.EntityId, $"{Path.GetFileName(file)}: described in an earlier file too; the first is used."));
                    }
                }
            }
            catch (MetadataRejectedException ex)
            {
                skipped.Add(new SkippedEntity(null, $"{Path.GetFileName(file)}: {ex.Message}"));
            }
        }

        return new MetadataDocument(identityProviders, skipped, others, ValidUntil: null, CacheDuration: null);
    }
}
