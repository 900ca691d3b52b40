namespace AaiProxy.Server.Upstream.Discovery;

/// <summary><c>AaiProxy:Saml:Discovery</c>: how people choose their IdP.</summary>
public sealed class ExternalDiscoveryOptions
{
    public const string SectionName = "AaiProxy:Saml:Discovery";

    /// <summary>An external discovery service speaking the SAML IdP Discovery protocol (e.g. SeamlessAccess,
    /// <c>https://service.seamlessaccess.org/ds/</c>): the login page sends people there with our entity ID and a
    /// return URL, and the service sends them back with the chosen IdP's <c>entityID</c>. Unset: the proxy's own page.</summary>
    public Uri? ExternalUrl { get; set; }
}
