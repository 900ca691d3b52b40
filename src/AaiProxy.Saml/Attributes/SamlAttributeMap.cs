using AaiProxy.Identity;

namespace AaiProxy.Saml.Attributes;

/// <summary>One SAML attribute the proxy understands (NameFormat uri).</summary>
/// <param name="Name">The SAML attribute name (<c>urn:oid:…</c> or <c>urn:oasis:…</c>).</param>
/// <param name="FriendlyName">Its customary friendly name, for metadata and logs.</param>
/// <param name="InternalName">The internal attribute it maps to (<see cref="InternalAttributes"/>).</param>
/// <param name="Scoped">Values are <c>…@scope</c> (or, with <see cref="WholeValueIsScope"/>, a bare scope)
/// and must match the IdP's <c>shibmd:Scope</c>.</param>
public sealed record SamlAttribute(string Name, string FriendlyName, string InternalName, bool Scoped)
{
    /// <summary>The whole value is a scope (a domain, as in <c>schacHomeOrganization</c>), not <c>…@scope</c>.</summary>
    public bool WholeValueIsScope { get; init; }
}

/// <summary>
/// The one table of SAML attributes the proxy maps (names from the SAML subject-id profile, eduPerson,
/// SCHAC and voPerson). The ACS maps by it, the SP metadata requests exactly these, and the demo IdP
/// sends them.
/// </summary>
public static class SamlAttributeMap
{
    public static SamlAttribute SubjectId { get; } =
        new("urn:oasis:names:tc:SAML:attribute:subject-id", "subject-id", InternalAttributes.SubjectId, Scoped: true);

    public static SamlAttribute PairwiseId { get; } =
        new("urn:oasis:names:tc:SAML:attribute:pairwise-id", "pairwise-id", InternalAttributes.PairwiseId, Scoped: true);

    public static SamlAttribute EduPersonUniqueId { get; } =
        new("urn:oid:1.3.6.1.4.1.5923.1.1.1.13", "eduPersonUniqueId", InternalAttributes.EduPersonUniqueId, Scoped: true);

    /// <summary>Deprecated; pairwise-id replaces it. Still read from IdPs that only send this.</summary>
    public static SamlAttribute EduPersonTargetedId { get; } =
        new("urn:oid:1.3.6.1.4.1.5923.1.1.1.10", "eduPersonTargetedID", InternalAttributes.EduPersonTargetedId, Scoped: false);

    public static SamlAttribute EduPersonPrincipalName { get; } =
        new("urn:oid:1.3.6.1.4.1.5923.1.1.1.6", "eduPersonPrincipalName", InternalAttributes.EduPersonPrincipalName, Scoped: true);

    public static SamlAttribute Mail { get; } =
        new("urn:oid:0.9.2342.19200300.100.1.3", "mail", InternalAttributes.Email, Scoped: false);

    public static SamlAttribute DisplayName { get; } =
        new("urn:oid:2.16.840.1.113730.3.1.241", "displayName", InternalAttributes.Name, Scoped: false);

    public static SamlAttribute GivenName { get; } =
        new("urn:oid:2.5.4.42", "givenName", InternalAttributes.GivenName, Scoped: false);

    public static SamlAttribute Surname { get; } =
        new("urn:oid:2.5.4.4", "sn", InternalAttributes.FamilyName, Scoped: false);

    public static SamlAttribute EduPersonScopedAffiliation { get; } =
        new("urn:oid:1.3.6.1.4.1.5923.1.1.1.9", "eduPersonScopedAffiliation", InternalAttributes.EduPersonScopedAffiliation, Scoped: true);

    public static SamlAttribute EduPersonAssurance { get; } =
        new("urn:oid:1.3.6.1.4.1.5923.1.1.1.11", "eduPersonAssurance", InternalAttributes.EduPersonAssurance, Scoped: false);

    public static SamlAttribute EduPersonEntitlement { get; } =
        new("urn:oid:1.3.6.1.4.1.5923.1.1.1.7", "eduPersonEntitlement", InternalAttributes.EduPersonEntitlement, Scoped: false);

    public static SamlAttribute SchacHomeOrganization { get; } =
        new("urn:oid:1.3.6.1.4.1.25178.1.2.9", "schacHomeOrganization", InternalAttributes.SchacHomeOrganization, Scoped: true)
        {
            WholeValueIsScope = true,
        };

    public static SamlAttribute VoPersonExternalAffiliation { get; } =
        new("urn:oid:1.3.6.1.4.1.25178.4.1.11", "voPersonExternalAffiliation", InternalAttributes.VoPersonExternalAffiliation, Scoped: true);

    /// <summary>Every mapped attribute, subject identifiers first in order of preference.</summary>
    public static IReadOnlyList<SamlAttribute> All { get; } =
    [
        SubjectId, PairwiseId, EduPersonUniqueId, EduPersonTargetedId, EduPersonPrincipalName, Mail, DisplayName, GivenName,
        Surname, EduPersonScopedAffiliation, EduPersonAssurance, EduPersonEntitlement, SchacHomeOrganization,
        VoPersonExternalAffiliation,
    ];

    private static readonly Dictionary<string, SamlAttribute> ByName = All.ToDictionary(a => a.Name, StringComparer.Ordinal);
    private static readonly Dictionary<string, SamlAttribute> ByInternalName = All.ToDictionary(a => a.InternalName, StringComparer.Ordinal);

    public static SamlAttribute? FindByName(string samlName) => ByName.GetValueOrDefault(samlName);

    public static SamlAttribute? FindByInternalName(string internalName) => ByInternalName.GetValueOrDefault(internalName);

    public const string UriNameFormat = "urn:oasis:names:tc:SAML:2.0:attrname-format:uri";
}
