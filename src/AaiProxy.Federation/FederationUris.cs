namespace AaiProxy.Federation;

/// <summary>Namespaces and values from SAML metadata and its extensions (MDUI, MDRPI, MDAttr, REFEDS).</summary>
public static class FederationUris
{
    public const string Metadata = "urn:oasis:names:tc:SAML:2.0:metadata";
    public const string Assertion = "urn:oasis:names:tc:SAML:2.0:assertion";
    public const string XmlDsig = "http://www.w3.org/2000/09/xmldsig#";
    public const string MdUi = "urn:oasis:names:tc:SAML:metadata:ui";
    public const string MdRpi = "urn:oasis:names:tc:SAML:metadata:rpi";
    public const string MdAttr = "urn:oasis:names:tc:SAML:metadata:attribute";
    public const string ShibMd = "urn:mace:shibboleth:metadata:1.0";
    public const string XmlNamespace = "http://www.w3.org/XML/1998/namespace";

    public const string Saml2Protocol = "urn:oasis:names:tc:SAML:2.0:protocol";
    public const string HttpRedirectBinding = "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect";

    /// <summary>Entity attribute names (REFEDS / macedir).</summary>
    public const string EntityCategoryAttribute = "http://macedir.org/entity-category";
    public const string EntityCategorySupportAttribute = "http://macedir.org/entity-category-support";
    public const string AssuranceCertificationAttribute = "urn:oasis:names:tc:SAML:attribute:assurance-certification";

    public const string ResearchAndScholarship = "http://refeds.org/category/research-and-scholarship";
    public const string CodeOfConductV2 = "https://refeds.org/category/code-of-conduct/v2";
    public const string HideFromDiscovery = "http://refeds.org/category/hide-from-discovery";
    public const string Sirtfi = "https://refeds.org/sirtfi";
    public const string Sirtfi2 = "https://refeds.org/sirtfi2";
}
