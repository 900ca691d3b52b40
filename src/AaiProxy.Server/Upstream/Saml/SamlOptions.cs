namespace AaiProxy.Server.Upstream.Saml;

/// <summary>The SAML service provider's settings: configuration section <c>AaiProxy:Saml</c>.</summary>
public sealed class SamlOptions
{
    public const string SectionName = "AaiProxy:Saml";

    /// <summary>Our entity ID. Unset: the metadata URL, <c>{issuer or first listening origin}/saml/metadata</c>.</summary>
    public string? EntityId { get; set; }

    /// <summary>A PKCS#12 file with our signing key pair. Unset: generated on first start and kept in
    /// <c>{DataDirectory}/saml/</c> (one node only; configure files for several nodes).</summary>
    public string? SigningCertificateFile { get; set; }

    /// <summary>A file holding the password of <see cref="SigningCertificateFile"/>, if it has one.</summary>
    public string? SigningCertificatePasswordFile { get; set; }

    /// <summary>PKCS#12 files with decryption key pairs: the first is published for encryption, the
    /// others stay usable for rollover. Unset: one is generated like the signing key.</summary>
    public List<string> DecryptionCertificateFiles { get; set; } = [];

    /// <summary>Sign AuthnRequests (and say so in metadata with <c>AuthnRequestsSigned</c>).</summary>
    public bool SignAuthnRequests { get; set; } = true;

    /// <summary>Allowed clock difference with identity providers.</summary>
    public TimeSpan ClockSkew { get; set; } = TimeSpan.FromMinutes(3);

    /// <summary>How long an AuthnRequest stays answerable for the browser that sent it.</summary>
    public TimeSpan OutstandingRequestLifetime { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Identity providers read from metadata files (a federation feed comes later).</summary>
    public List<SamlIdentityProviderOptions> IdentityProviders { get; set; } = [];

    /// <summary>What our published metadata says about the service.</summary>
    public SamlMetadataOptions Metadata { get; set; } = new();
}

/// <summary>One identity provider trusted through a metadata file.</summary>
public sealed class SamlIdentityProviderOptions
{
    /// <summary>A file holding the IdP's <c>EntityDescriptor</c>: the only source of its keys.</summary>
    public string MetadataFile { get; set; } = "";

    /// <summary>Accept IdP-initiated responses (without <c>InResponseTo</c>) from this IdP.</summary>
    public bool AllowUnsolicitedResponses { get; set; }

    /// <summary>Accept SHA-1 signatures from this IdP, on login and logout messages (legacy deployments only).</summary>
    public bool AllowSha1 { get; set; }

    /// <summary>Accept tripledes-cbc encrypted assertions from this IdP (legacy; inside a signed Response
    /// only, and logged at each use).</summary>
    public bool AllowTripleDes { get; set; }

    /// <summary>Refuse assertions from this IdP that were not encrypted to us.</summary>
    public bool RequireEncryptedAssertions { get; set; }

    /// <summary>The name people see on the sign-in page; unset: the metadata's <c>mdui:DisplayName</c>.</summary>
    public string? DisplayName { get; set; }
}

/// <summary>The service description in our SP metadata (mdui, organization, contacts).</summary>
public sealed class SamlMetadataOptions
{
    public string DisplayName { get; set; } = "AaiProxy";

    public string Description { get; set; } = "Identity and access proxy for photon and neutron research facilities.";

    public Uri InformationUrl { get; set; } = new("https://example.org/aaiproxy");

    public Uri PrivacyStatementUrl { get; set; } = new("https://example.org/aaiproxy/privacy");

    public string OrganizationName { get; set; } = "AaiProxy";

    public Uri OrganizationUrl { get; set; } = new("https://example.org");

    public string TechnicalContactName { get; set; } = "Operations";

    public string TechnicalContactEmail { get; set; } = "operations@example.org";

    /// <summary>The REFEDS security contact (Sirtfi).</summary>
    public string SecurityContactName { get; set; } = "Security team";

    public string SecurityContactEmail { get; set; } = "security@example.org";
}
