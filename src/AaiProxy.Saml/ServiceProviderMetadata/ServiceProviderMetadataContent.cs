using AaiProxy.Saml.Attributes;
namespace AaiProxy.Saml.ServiceProviderMetadata;

/// <summary>
/// What our SP metadata says about the service, besides the endpoints and keys in
/// <see cref="ServiceProviderSettings"/>. The host binds it from configuration.
/// </summary>
public sealed record ServiceProviderMetadataContent
{
    /// <summary><c>mdui:DisplayName</c> and the AttributeConsumingService's <c>ServiceName</c>.</summary>
    public required string DisplayName { get; init; }

    public required string Description { get; init; }

    public required Uri InformationUrl { get; init; }

    public required Uri PrivacyStatementUrl { get; init; }

    public MetadataLogo? Logo { get; init; }

    /// <summary>The <c>xml:lang</c> of every localised text.</summary>
    public string Language { get; init; } = "en";

    public required MetadataOrganization Organization { get; init; }

    public required MetadataContact TechnicalContact { get; init; }

    /// <summary>The REFEDS security contact that Sirtfi requires.</summary>
    public required MetadataContact SecurityContact { get; init; }

    public IReadOnlyList<SamlAttribute> RequestedAttributes { get; init; } = SamlAttributeMap.All;

    public IReadOnlyList<string> NameIdFormats { get; init; } =
    [
        "urn:oasis:names:tc:SAML:2.0:nameid-format:persistent",
        "urn:oasis:names:tc:SAML:2.0:nameid-format:transient",
    ];

    /// <summary><c>http://macedir.org/entity-category</c> values; the federation may override them.</summary>
    public IReadOnlyList<string> EntityCategories { get; init; } = ["http://refeds.org/category/research-and-scholarship"];

    /// <summary><c>urn:oasis:names:tc:SAML:attribute:assurance-certification</c> values.</summary>
    public IReadOnlyList<string> AssuranceCertifications { get; init; } = ["https://refeds.org/sirtfi"];

    /// <summary>The <c>subject-id:req</c> entity attribute (<c>subject-id</c>, <c>pairwise-id</c>, <c>any</c>), or null.</summary>
    public string? SubjectIdRequirement { get; init; } = "any";

    /// <summary>Must match how <see cref="Requests.AuthnRequestWriter"/> is configured.</summary>
    public bool AuthnRequestsSigned { get; init; } = true;

    /// <summary><c>validUntil</c> is this far after signing.</summary>
    public TimeSpan ValidFor { get; init; } = TimeSpan.FromDays(7);

    public TimeSpan CacheDuration { get; init; } = TimeSpan.FromHours(6);
}

public sealed record MetadataOrganization(string Name, string DisplayName, Uri Url);

/// <param name="EmailAddress">An address; <c>mailto:</c> is added when missing.</param>
public sealed record MetadataContact(string GivenName, string EmailAddress);

/// <summary>An <c>mdui:Logo</c>; width and height in pixels are required by the schema.</summary>
public sealed record MetadataLogo(Uri Url, int Width, int Height);
