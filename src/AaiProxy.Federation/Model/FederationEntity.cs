using System.Security.Cryptography.X509Certificates;
using AaiProxy.Saml.Metadata;

namespace AaiProxy.Federation.Model;

/// <summary>
/// What the proxy keeps of one SAML 2.0 identity provider read from federation metadata: only the
/// parts it uses, so that ten thousand of them stay small. Built by the metadata reader; every
/// instance has an HTTP-Redirect SingleSignOnService and at least one signing certificate.
/// </summary>
public sealed class FederationEntity
{
    private static readonly IReadOnlyDictionary<string, IReadOnlyList<string>> NoAttributes =
        new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);

    public required string EntityId { get; init; }

    /// <summary><c>mdrpi:RegistrationInfo/@registrationAuthority</c>: the federation that registered the entity.</summary>
    public string? RegistrationAuthority { get; init; }

    public required IReadOnlyList<MetadataEndpoint> SingleSignOnServices { get; init; }

    public IReadOnlyList<MetadataEndpoint> SingleLogoutServices { get; init; } = [];

    /// <summary>From <c>KeyDescriptor use="signing"</c> or without <c>use</c> (Metadata 2.4.1.1).</summary>
    public required IReadOnlyList<X509Certificate2> SigningCertificates { get; init; }

    /// <summary>From <c>KeyDescriptor use="encryption"</c> or without <c>use</c>.</summary>
    public IReadOnlyList<X509Certificate2> EncryptionCertificates { get; init; } = [];

    /// <summary><c>shibmd:Scope</c> of the entity and of its IDPSSODescriptor.</summary>
    public IReadOnlyList<ShibbolethScope> Scopes { get; init; } = [];

    public UserInterfaceInfo UserInterface { get; init; } = UserInterfaceInfo.Empty;

    public DiscoveryHints DiscoveryHints { get; init; } = DiscoveryHints.Empty;

    /// <summary><c>mdattr:EntityAttributes</c>: attribute name → values, in document order.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> EntityAttributes { get; init; } = NoAttributes;

    public IReadOnlyList<string> EntityCategories => AttributeValues(FederationUris.EntityCategoryAttribute);

    public IReadOnlyList<string> EntityCategorySupport => AttributeValues(FederationUris.EntityCategorySupportAttribute);

    public IReadOnlyList<string> AssuranceCertifications => AttributeValues(FederationUris.AssuranceCertificationAttribute);

    /// <summary>Sirtfi (v1 or v2) asserted through <c>assurance-certification</c>.</summary>
    public bool HasSirtfi => AssuranceCertifications.Any(value => value is FederationUris.Sirtfi or FederationUris.Sirtfi2);

    /// <summary>REFEDS hide-from-discovery: resolvable by entity ID, never listed to people.</summary>
    public bool IsHiddenFromDiscovery => EntityCategories.Contains(FederationUris.HideFromDiscovery);

    public IReadOnlyList<string> AttributeValues(string name) =>
        EntityAttributes.TryGetValue(name, out var values) ? values : [];

    /// <summary>The display name in <paramref name="language"/>, else English, else the first one;
    /// null when the IdP publishes none.</summary>
    public string? DisplayName(string? language = null) => Localized(UserInterface.DisplayNames, language);

    /// <summary>The HTTP-Redirect endpoint of a service list (the binding the SP uses), or null.</summary>
    public static Uri? RedirectLocation(IReadOnlyList<MetadataEndpoint> endpoints) =>
        endpoints.FirstOrDefault(e => e.Binding == FederationUris.HttpRedirectBinding)?.Location;

    /// <summary>The view the SAML service provider works with.</summary>
    public IdentityProviderMetadata ToIdentityProviderMetadata() =>
        new(EntityId, SigningCertificates,
            RedirectLocation(SingleSignOnServices)
            ?? throw new InvalidOperationException($"'{EntityId}' has no HTTP-Redirect SingleSignOnService."),
            RedirectLocation(SingleLogoutServices), Scopes, DisplayName("en"));

    private static string? Localized(IReadOnlyList<LocalizedText> texts, string? language)
    {
        if (texts.Count == 0)
        {
            return null;
        }

        return (language is null ? null : texts.FirstOrDefault(t => string.Equals(t.Language, language, StringComparison.OrdinalIgnoreCase)))?.Value
               ?? texts.FirstOrDefault(t => string.Equals(t.Language, "en", StringComparison.OrdinalIgnoreCase))?.Value
               ?? texts[0].Value;
    }
}
