namespace AaiProxy.Server.Upstream.Saml;

public static class SamlAuthenticationDefaults
{
    /// <summary>The upstream authentication scheme of every SAML identity provider.</summary>
    public const string Scheme = "saml";
}
