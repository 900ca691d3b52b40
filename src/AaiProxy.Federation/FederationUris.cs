using AaiProxy.Saml;

namespace AaiProxy.Federation;

/// <summary>Values from SAML metadata extensions and REFEDS that federation metadata adds to
/// <see cref="SamlNamespaces"/> (which holds the namespaces both libraries use).</summary>
public static class FederationUris
{
    public const string MdRpi = "urn:oasis:names:tc:SAML:metadata:rpi";

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
