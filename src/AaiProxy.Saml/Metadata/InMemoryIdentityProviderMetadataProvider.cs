namespace AaiProxy.Saml.Metadata;

/// <summary>Identity providers known from a fixed list, read at start-up (configured files, the demo IdP).</summary>
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
