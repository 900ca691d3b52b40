namespace AaiProxy.Identity;

/// <summary>
/// Internal attribute names: one vocabulary that each upstream protocol maps into (SAML by
/// <c>urn:oid:</c> name, OIDC by claim name). They follow the OIDC claim names used in research and
/// education (EGI Check-in, REFEDS OIDCre) so that the downstream mapping stays obvious.
/// </summary>
public static class InternalAttributes
{
    public const string SubjectId = "subject_id";
    public const string PairwiseId = "pairwise_id";
    public const string EduPersonUniqueId = "eduperson_unique_id";
    public const string EduPersonPrincipalName = "eduperson_principal_name";
    public const string EduPersonTargetedId = "eduperson_targeted_id";
    public const string PersistentNameId = "persistent_name_id";

    /// <summary>An OpenID Connect provider's <c>sub</c>: unique within its issuer only.</summary>
    public const string OidcSubject = "oidc_sub";

    /// <summary>The person's ORCID iD as a URI (<c>https://orcid.org/0000-0002-1825-0097</c>).</summary>
    public const string Orcid = "orcid";
    public const string Email = "email";
    public const string Name = "name";
    public const string GivenName = "given_name";
    public const string FamilyName = "family_name";
    public const string EduPersonScopedAffiliation = "eduperson_scoped_affiliation";
    public const string EduPersonAssurance = "eduperson_assurance";
    public const string EduPersonEntitlement = "eduperson_entitlement";
    public const string SchacHomeOrganization = "schac_home_organization";
    public const string VoPersonExternalAffiliation = "voperson_external_affiliation";
}
