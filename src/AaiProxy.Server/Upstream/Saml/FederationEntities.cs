using AaiProxy.Federation;
using AaiProxy.Federation.Discovery;
using AaiProxy.Federation.Model;
using AaiProxy.Federation.Policy;
using AaiProxy.Saml.Metadata;
using AaiProxy.Saml.Validation;
using Microsoft.Extensions.Options;

namespace AaiProxy.Server.Upstream.Saml;

/// <summary>
/// The federation entities the proxy knows: the aggregates' set in use, then each MDQ service in configuration
/// order. <see cref="Find"/> never goes to the network (it serves what a lookup has already fetched, for the
/// synchronous questions asked while a response is validated); <see cref="FindAsync"/> asks the MDQ services.
/// </summary>
internal sealed class FederationEntities(FederationMetadataProvider aggregates, MdqFederations mdq)
{
    /// <summary>Changes whenever <see cref="ListMetadata"/> may have changed.</summary>
    public (FederationIndex Index, int Mdq) Version => (aggregates.Index, mdq.Version);

    public FederationEntity? Find(string entityId) => aggregates.Index.Find(entityId) ?? mdq.FindCached(entityId);

    public async ValueTask<FederationEntity?> FindAsync(string entityId, CancellationToken cancellationToken) =>
        aggregates.Index.Find(entityId) ?? await mdq.FindAsync(entityId, cancellationToken);

    public async ValueTask<IdentityProviderMetadata?> FindMetadataAsync(string entityId, CancellationToken cancellationToken) =>
        aggregates.Index.FindMetadata(entityId) ?? (await mdq.FindAsync(entityId, cancellationToken))?.ToIdentityProviderMetadata();

    /// <summary>The aggregates' IdPs, then those the MDQ services have answered for (an entity ID once).</summary>
    public IEnumerable<IdentityProviderMetadata> ListMetadata()
    {
        var index = aggregates.Index;
        return index.IdentityProviders.Concat(mdq.List().Where(entity => index.Find(entity.EntityId) is null)
            .Select(entity => entity.ToIdentityProviderMetadata()));
    }
}

/// <summary>The per-IdP policy of a federation IdP, from <c>AaiProxy:Saml:PolicyRules</c> over its metadata as the
/// proxy holds it (an IdP named in <c>AaiProxy:Saml:IdentityProviders</c> keeps its own entry's policy, asked first).</summary>
internal sealed class FederationPolicies(FederationEntities federations, IOptions<SamlOptions> options)
{
    private readonly IdentityProviderPolicyRules _rules = FederationMetadata.PolicyRules(options.Value);

    public IdentityProviderPolicy? PolicyFor(string entityId, IdentityProviderPolicy defaults) =>
        federations.Find(entityId) is { } entity ? _rules.PolicyFor(entity, defaults) : null;
}

/// <summary>Sirtfi as a SAML IdP's federation metadata asserts it (for <see cref="AaiProxy.Identity.AssuranceEnricher"/>).</summary>
internal sealed class FederationSirtfi(FederationEntities federations) : AaiProxy.Identity.ISirtfiMetadata
{
    public async ValueTask<bool> AssertsSirtfiAsync(string issuer, CancellationToken cancellationToken) =>
        (await federations.FindAsync(issuer, cancellationToken))?.HasSirtfi == true;
}
