namespace AaiProxy.Saml.Metadata;

/// <summary>Identity providers known from a fixed list (tests, the demo IdP, or files).</summary>
public class InMemoryIdentityProviderMetadataProvider : IIdentityProviderMetadataProvider
{
    private readonly Dictionary<string, IdentityProviderMetadata> _byEntityId;
    private readonly IReadOnlyList<IdentityProviderMetadata> _all;

    public InMemoryIdentityProviderMetadataProvider(IEnumerable<IdentityProviderMetadata> identityProviders)
    {
        ArgumentNullException.ThrowIfNull(identityProviders);
        _all = identityProviders.ToList();
        _byEntityId = new Dictionary<string, IdentityProviderMetadata>(StringComparer.Ordinal);
        foreach (var idp in _all)
        {
            if (!_byEntityId.TryAdd(idp.EntityId, idp))
            {
                throw new IdentityProviderMetadataException($"Identity provider '{idp.EntityId}' is described twice.");
            }
        }
    }

    public ValueTask<IdentityProviderMetadata?> FindAsync(string entityId, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(_byEntityId.GetValueOrDefault(entityId));

    public ValueTask<IReadOnlyList<IdentityProviderMetadata>> ListAsync(CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(_all);
}

/// <summary>Identity providers from metadata files named in configuration, read once at start-up so
/// that a broken file stops the host with a message naming it.</summary>
public sealed class FileIdentityProviderMetadataProvider(IEnumerable<string> paths)
    : InMemoryIdentityProviderMetadataProvider(ReadAll(paths))
{
    private static IEnumerable<IdentityProviderMetadata> ReadAll(IEnumerable<string> paths)
    {
        ArgumentNullException.ThrowIfNull(paths);
        return paths.Select(ReadFile).ToList();
    }

    private static IdentityProviderMetadata ReadFile(string path)
    {
        try
        {
            return IdentityProviderMetadataReader.Read(File.ReadAllText(path));
        }
        catch (Exception ex) when (ex is IdentityProviderMetadataException or IOException or UnauthorizedAccessException)
        {
            throw new IdentityProviderMetadataException($"Identity provider metadata file '{path}': {ex.Message}", ex);
        }
    }
}
