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

    /// <summary>Federation metadata (eduGAIN, a national federation): signed aggregates and MDQ services, each verified
    /// against its own trust anchor before anything in it is used; their IdPs join those of <see cref="IdentityProviders"/>.</summary>
    public List<SamlFederationOptions> Federations { get; set; } = [];

    /// <summary>Per-IdP policy of federation IdPs, by their metadata or entity ID: every matching rule applies in order,
    /// a later rule's setting overriding an earlier one's (IdPs of <see cref="IdentityProviders"/> keep their own entry's).</summary>
    public List<SamlPolicyRuleOptions> PolicyRules { get; set; } = [];

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

/// <summary>One federation metadata source — a signed aggregate (<c>EntitiesDescriptor</c>) or an MDQ service — and the
/// key it must be signed with.</summary>
public sealed class SamlFederationOptions
{
    /// <summary>A unique name, for logs and status.</summary>
    public string Name { get; set; } = "";

    /// <summary>The aggregate in a local file (kept fresh by another process) …</summary>
    public string? AggregateFile { get; set; }

    /// <summary>… or fetched from this URL (conditional GET with ETag / If-Modified-Since) …</summary>
    public Uri? AggregateUrl { get; set; }

    /// <summary>… or an MDQ service (<c>GET {MdqBaseUrl}/entities/{entityID}</c>) asked for one IdP at a time when a
    /// login names it; https (http only to a loopback address, e.g. a local MDQ cache).</summary>
    public Uri? MdqBaseUrl { get; set; }

    /// <summary>MDQ: ask by the <c>{sha1}</c> form of the entity ID instead of the URL-encoded entity ID.</summary>
    public bool MdqUseSha1Identifiers { get; set; }

    /// <summary>MDQ: how long an answer without <c>cacheDuration</c> is used before it is asked again.</summary>
    public TimeSpan MdqCacheDuration { get; set; } = TimeSpan.FromHours(1);

    /// <summary>MDQ: the longest any answer is used before it is asked again, whatever its <c>cacheDuration</c>.</summary>
    public TimeSpan MdqMaxCacheDuration { get; set; } = TimeSpan.FromHours(24);

    /// <summary>MDQ: how long "unknown" (404), or a failed or refused answer, is remembered.</summary>
    public TimeSpan MdqNegativeCacheDuration { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>MDQ: IdPs fetched at start-up and again every <see cref="RefreshInterval"/>, so that they are listed on
    /// the discovery page (MDQ cannot list a federation; any other IdP of the service is reached by a hint).</summary>
    public List<string> MdqPrefetchEntityIds { get; set; } = [];

    /// <summary>The signer's certificate (PEM or DER file) …</summary>
    public string? TrustAnchorCertificateFile { get; set; }

    /// <summary>… or its SHA-256 fingerprint (hex, colons allowed, as <c>openssl x509 -fingerprint -sha256</c> prints it).</summary>
    public string? TrustAnchorSha256Fingerprint { get; set; }

    /// <summary>Refuse an aggregate (or an MDQ answer) without <c>validUntil</c> (the eduGAIN MAPS requires one).</summary>
    public bool RequireValidUntil { get; set; } = true;

    /// <summary>How often the aggregate is read again (a shorter <c>cacheDuration</c> in it wins); for MDQ, how often the
    /// prefetched IdPs are asked for again.</summary>
    public TimeSpan RefreshInterval { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Which of the aggregate's IdPs are used; unset: all.</summary>
    public SamlFederationFilterOptions Filter { get; set; } = new();
}

/// <summary><c>Saml:Federations[]:Filter</c>: every include list that is set must match, any exclude that matches
/// removes the IdP.</summary>
public sealed class SamlFederationFilterOptions
{
    /// <summary><c>mdrpi:RegistrationInfo/@registrationAuthority</c> values (a national federation within eduGAIN).</summary>
    public List<string> IncludeRegistrationAuthorities { get; set; } = [];

    public List<string> ExcludeRegistrationAuthorities { get; set; } = [];

    /// <summary>Entity categories (e.g. REFEDS R&amp;S <c>http://refeds.org/category/research-and-scholarship</c>).</summary>
    public List<string> IncludeEntityCategories { get; set; } = [];

    public List<string> ExcludeEntityCategories { get; set; } = [];

    public List<string> IncludeEntityIds { get; set; } = [];

    public List<string> ExcludeEntityIds { get; set; } = [];

    /// <summary><c>assurance-certification</c> entity attribute values (e.g. an IGTF profile).</summary>
    public List<string> IncludeAssuranceCertifications { get; set; } = [];

    /// <summary>Only IdPs that assert Sirtfi.</summary>
    public bool RequireSirtfi { get; set; }
}

/// <summary><c>Saml:PolicyRules[]</c>: the federation IdPs a rule applies to (<see cref="Match"/>, the keys of a
/// federation's filter: all set conditions must hold; empty: every federation IdP) and the settings it decides
/// (unset: left to earlier rules or the default).</summary>
public sealed class SamlPolicyRuleOptions
{
    public SamlFederationFilterOptions Match { get; set; } = new();

    public bool? AllowUnsolicitedResponses { get; set; }

    public bool? AllowSha1 { get; set; }

    public bool? RequireEncryptedAssertions { get; set; }

    public bool? AllowTripleDes { get; set; }
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
