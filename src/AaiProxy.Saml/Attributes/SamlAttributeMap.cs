namespace AaiProxy.Saml.Attributes;

/// <summary>One SAML attribute the proxy understands (NameFormat uri).</summary>
/// <param name="Name">The SAML attribute name (<c>urn:oid:…</c> or <c>urn:oasis:…</c>).</param>
/// <param name="FriendlyName">Its customary friendly name, for metadata and logs.</param>
/// <param name="Scoped">Values are <c>…@scope</c> (or, with <see cref="WholeValueIsScope"/>, a bare scope)
/// and must match the IdP's <c>shibmd:Scope</c>.</param>
public sealed record SamlAttribute(string Name, string FriendlyName, bool Scoped)
{
    /// <summary>The whole value is a scope (a domain, as in <c>schacHomeOrganization</c>), not <c>…@scope</c>.</summary>
    public bool WholeValueIsScope { get; init; }
}

/// <summary>
/// The one table of SAML attributes the proxy understands (names from the SAML subject-id profile,
/// eduPerson, SCHAC and voPerson): which are scoped, what the SP metadata requests. The SAML adapter maps
/// exactly these to internal attributes, and the demo IdP sends them.
/// </summary>
public static class SamlAttributeMap
{
    public static SamlAttribute SubjectId { get; } =
        new("urn:oasis:names:tc:SAML:attribute:subject-id", "subject-id", Scoped: true);

    public static SamlAttribute PairwiseId { get; } =
        new("urn:oasis:names:tc:SAML:attribute:pairwise-id", "pairwise-id", Scoped: true);

    public static SamlAttribute EduPersonUniqueId { get; } =
        new("urn:oid:1.3.6.1.4.1.5923.1.1.1.13", "eduPersonUniqueId", Scoped: true);

    /// <summary>Deprecated; pairwise-id replaces it. Still read from IdPs that only send this.</summary>
    public static SamlAttribute EduPersonTargetedId { get; } =
        new("urn:oid:1.3.6.1.4.1.5923.1.1.1.10", "eduPersonTargetedID", Scoped: false);

    public static SamlAttribute EduPersonPrincipalName { get; } =
        new("urn:oid:1.3.6.1.4.1.5923.1.1.1.6", "eduPersonPrincipalName", Scoped: true);

    public static SamlAttribute Mail { get; } =
        new("urn:oid:0.9.2342.19200300.100.1.3", "mail", Scoped: false);

    public static SamlAttribute DisplayName { get; } =
        new("urn:oid:2.16.840.1.113730.3.1.241", "displayName", Scoped: false);

    public static SamlAttribute GivenName { get; } =
        new("urn:oid:2.5.4.42", "givenName", Scoped: false);

    public static SamlAttribute Surname { get; } =
        new("urn:oid:2.5.4.4", "sn", Scoped: false);

    public static SamlAttribute EduPersonScopedAffiliation { get; } =
        new("urn:oid:1.3.6.1.4.1.5923.1.1.1.9", "eduPersonScopedAffiliation", Scoped: true);

    public static SamlAttribute EduPersonAssurance { get; } =
        new("urn:oid:1.3.6.1.4.1.5923.1.1.1.11", "eduPersonAssurance", Scoped: false);

    public static SamlAttribute EduPersonEntitlement { get; } =
        new("urn:oid:1.3.6.1.4.1.5923.1.1.1.7", "eduPersonEntitlement", Scoped: false);

    public static SamlAttribute SchacHomeOrganization { get; } =
        new("urn:oid:1.3.6.1.4.1.25178.1.2.9", "schacHomeOrganization", Scoped: true)
        {
            WholeValueIsScope = true,
        };

    public static SamlAttribute VoPersonExternalAffiliation { get; } =
        new("urn:oid:1.3.6.1.4.1.25178.4.1.11", "voPersonExternalAffiliation", Scoped: true);

    /// <summary>Every mapped attribute, subject identifiers first in order of preference.</summary>
    public static IReadOnlyList<SamlAttribute> All { get; } =
    [
        SubjectId, PairwiseId, EduPersonUniqueId, EduPersonTargetedId, EduPersonPrincipalName, Mail, DisplayName, GivenName,
        Surname, EduPersonScopedAffiliation, EduPersonAssurance, EduPersonEntitlement, SchacHomeOrganization,
        VoPersonExternalAffiliation,
    ];

    private static readonly Dictionary<string, SamlAttribute> ByName = All.ToDictionary(a => a.Name, StringComparer.Ordinal);

    public static SamlAttribute? FindByName(string samlName) => ByName.GetValueOrDefault(samlName);

    public const string UriNameFormat = "urn:oasis:names:tc:SAML:2.0:attrname-format:uri";
}
