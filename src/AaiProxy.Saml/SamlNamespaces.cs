namespace AaiProxy.Saml;

/// <summary>XML namespace URIs used by SAML 2.0 messages and metadata.</summary>
public static class SamlNamespaces
{
    public const string Assertion = "urn:oasis:names:tc:SAML:2.0:assertion";
    public const string Protocol = "urn:oasis:names:tc:SAML:2.0:protocol";
    public const string Metadata = "urn:oasis:names:tc:SAML:2.0:metadata";
    public const string XmlDsig = "http://www.w3.org/2000/09/xmldsig#";
    public const string XmlEnc = "http://www.w3.org/2001/04/xmlenc#";
    public const string MdUi = "urn:oasis:names:tc:SAML:metadata:ui";
    public const string MdAttr = "urn:oasis:names:tc:SAML:metadata:attribute";
    public const string ShibMd = "urn:mace:shibboleth:metadata:1.0";
    public const string Remd = "http://refeds.org/metadata";
}
