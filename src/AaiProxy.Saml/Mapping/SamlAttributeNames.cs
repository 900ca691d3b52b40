namespace AaiProxy.Saml.Mapping;

/// <summary>SAML attribute names (NameFormat uri) that AaiProxy understands.</summary>
public static class SamlAttributeNames
{
    public const string SubjectId = "urn:oasis:names:tc:SAML:attribute:subject-id";
    public const string PairwiseId = "urn:oasis:names:tc:SAML:attribute:pairwise-id";
    public const string EduPersonUniqueId = "urn:oid:1.3.6.1.4.1.5923.1.1.1.13";
    public const string EduPersonPrincipalName = "urn:oid:1.3.6.1.4.1.5923.1.1.1.6";
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

    public const string UriNameFormat = "urn:oasis:names:tc:SAML:2.0:attrname-format:uri";
    public const string PersistentNameIdFormat = "urn:oasis:names:tc:SAML:2.0:nameid-format:persistent";
    public const string TransientNameIdFormat = "urn:oasis:names:tc:SAML:2.0:nameid-format:transient";
}
