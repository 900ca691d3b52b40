namespace AaiProxy.Saml.ServiceProviderMetadata;

/// <summary>A SAML attribute by its URI name and its customary friendly name.</summary>
public sealed record SamlAttributeName(string Name, string FriendlyName);

/// <summary>
/// The one table of the SAML attribute names (NameFormat uri) this proxy maps, from STANDARDS.md;
/// the SP metadata requests exactly these.
/// </summary>
public static class SamlAttributeNames
{
    public const string UriNameFormat = "urn:oasis:names:tc:SAML:2.0:attrname-format:uri";

    public const string SubjectId = "urn:oasis:names:tc:SAML:attribute:subject-id";
    public const string PairwiseId = "urn:oasis:names:tc:SAML:attribute:pairwise-id";
    public const string EduPersonUniqueId = "urn:oid:1.3.6.1.4.1.5923.1.1.1.13";
    public const string EduPersonPrincipalName = "urn:oid:1.3.6.1.4.1.5923.1.1.1.6";

    /// <summary>Deprecated; pairwise-id replaces it. Still read from IdPs that only send this.</summary>
    public const string EduPersonTargetedId = "urn:oid:1.3.6.1.4.1.5923.1.1.1.10";

    public const string Mail = "urn:oid:0.9.2342.19200300.100.1.3";
    public const string DisplayName = "urn:oid:2.16.840.1.113730.3.1.241";
    public const string GivenName = "urn:oid:2.5.4.42";
    public const string Surname = "urn:oid:2.5.4.4";
    public const string EduPersonScopedAffiliation = "urn:oid:1.3.6.1.4.1.5923.1.1.1.9";
    public const string EduPersonAssurance = "urn:oid:1.3.6.1.4.1.5923.1.1.1.11";
    public const string EduPersonEntitlement = "urn:oid:1.3.6.1.4.1.5923.1.1.1.7";
    public const string SchacHomeOrganization = "urn:oid:1.3.6.1.4.1.25178.1.2.9";
    public const string VoPersonExternalAffiliation = "urn:oid:1.3.6.1.4.1.25178.4.1.11";

    /// <summary>Every attribute we map, in the order the upstream subject is preferred, then the rest.</summary>
    public static IReadOnlyList<SamlAttributeName> Mapped { get; } =
    [
        new(SubjectId, "subject-id"),
        new(PairwiseId, "pairwise-id"),
        new(EduPersonUniqueId, "eduPersonUniqueId"),
        new(EduPersonTargetedId, "eduPersonTargetedID"),
        new(EduPersonPrincipalName, "eduPersonPrincipalName"),
        new(Mail, "mail"),
        new(DisplayName, "displayName"),
        new(GivenName, "givenName"),
        new(Surname, "sn"),
        new(EduPersonScopedAffiliation, "eduPersonScopedAffiliation"),
        new(EduPersonAssurance, "eduPersonAssurance"),
        new(EduPersonEntitlement, "eduPersonEntitlement"),
        new(SchacHomeOrganization, "schacHomeOrganization"),
        new(VoPersonExternalAffiliation, "voPersonExternalAffiliation"),
    ];
}
