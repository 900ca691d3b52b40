namespace AaiProxy.Saml.Metadata;

/// <summary>
/// Looks up an identity provider by entity ID. Today: files named in configuration. Later: a
/// streamed federation aggregate or MDQ; callers only ever ask by entity ID.
/// </summary>
public interface IIdentityProviderMetadataProvider
{
    /// <returns>The IdP's trusted metadata, or null when it is unknown.</returns>
    ValueTask<IdentityProviderMetadata?> FindAsync(string entityId, CancellationToken cancellationToken = default);

    /// <summary>All known IdPs, for a discovery page.</summary>
    ValueTask<IReadOnlyList<IdentityProviderMetadata>> ListAsync(CancellationToken cancellationToken = default);
}
