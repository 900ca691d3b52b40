namespace AaiProxy.Server.Upstream.Saml;

/// <summary>Our SAML endpoints, relative to the proxy's origin.</summary>
internal static class SamlPaths
{
    public const string Metadata = "/saml/metadata";
    public const string AssertionConsumerService = "/saml/acs";
    public const string SingleLogoutService = "/saml/slo";
}
