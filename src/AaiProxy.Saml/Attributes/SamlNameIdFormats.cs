namespace AaiProxy.Saml.Attributes;

/// <summary>NameID formats (Core 8.3).</summary>
public static class SamlNameIdFormats
{
    public const string Persistent = "urn:oasis:names:tc:SAML:2.0:nameid-format:persistent";
    public const string Transient = "urn:oasis:names:tc:SAML:2.0:nameid-format:transient";
}
