using AaiProxy.Federation.Model;

namespace AaiProxy.Federation.Reading;

/// <summary>An identity provider left out of a document, and why (the document itself stays usable).</summary>
public sealed record SkippedEntity(string? EntityId, string Reason);

/// <summary>A metadata document read entity by entity.</summary>
/// <param name="IdentityProviders">Usable SAML 2.0 identity providers, in document order.</param>
/// <param name="Skipped">Identity providers that cannot be used, each with its reason.</param>
/// <param name="OtherEntities">Entities that are not SAML 2.0 identity providers (service providers, AAs): counted, not kept.</param>
/// <param name="ValidUntil">The document element's <c>validUntil</c> (Metadata 2.3.1), if any.</param>
/// <param name="CacheDuration">The document element's <c>cacheDuration</c>, if any.</param>
public sealed record MetadataDocument(
    IReadOnlyList<FederationEntity> IdentityProviders,
    IReadOnlyList<SkippedEntity> Skipped,
    int OtherEntities,
    DateTimeOffset? ValidUntil,
    TimeSpan? CacheDuration);
