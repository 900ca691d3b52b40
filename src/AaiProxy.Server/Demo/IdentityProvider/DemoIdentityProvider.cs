using AaiProxy.Upstream.Saml;
using AaiProxy.Server.Configuration;
using System.Security.Cryptography.X509Certificates;
using System.Xml.Linq;
using AaiProxy.Saml;
using AaiProxy.Saml.Attributes;
using AaiProxy.Saml.Metadata;
using AaiProxy.Server.Upstream.Saml;
using Microsoft.Extensions.Options;

namespace AaiProxy.Server.Demo.IdentityProvider;

/// <summary>
/// The embedded demo's SAML identity provider: its own key pair (in the database, shared by every node), its own metadata, a few demo users.
/// Development only (<c>AaiProxy:Demo:Enabled</c>, refused in production). The proxy trusts it the way
/// it trusts any IdP: by reading its metadata document, never by a shortcut.
/// </summary>
internal sealed class DemoIdentityProvider : IEmbeddedIdentityProvider
{
    public const string PathBase = "/demo-idp";
    public const string SingleSignOnPath = PathBase + "/sso";
    public const string SingleLogoutPath = PathBase + "/slo";
    public const string MetadataPath = PathBase + "/metadata";

    private static readonly XNamespace Md = SamlNamespaces.Metadata;
    private static readonly XNamespace Ds = SamlNamespaces.XmlDsig;
    private static readonly XNamespace ShibMd = SamlNamespaces.ShibMd;
    private static readonly XNamespace MdUi = SamlNamespaces.MdUi;

    public DemoIdentityProvider(IOptions<ProxyOptions> proxy, ListeningOrigins origins, ServiceProviderKeySource keys)
    {
        var origin = origins.PublicOrigin(proxy.Value);
        EntityId = origin + PathBase;
        SingleSignOnUrl = new Uri(origin + SingleSignOnPath);
        SingleLogoutUrl = new Uri(origin + SingleLogoutPath);
        SigningCertificate = keys.DemoIdentityProviderSigning();
        MetadataXml = WriteMetadata(HomeOrganisations(proxy.Value.Demo.Users));
    }

    public string EntityId { get; }

    public Uri SingleSignOnUrl { get; }

    public Uri SingleLogoutUrl { get; }

    public X509Certificate2 SigningCertificate { get; }

    /// <summary>The IdP's EntityDescriptor, published at <see cref="MetadataPath"/> and read by the SP.</summary>
    public string MetadataXml { get; }

    /// <summary>A pairwise, opaque, stable NameID for a demo user: what a privacy-preserving IdP sends.</summary>
    public string PersistentNameId(string username) =>
        Microsoft.AspNetCore.WebUtilities.WebEncoders.Base64UrlEncode(
            System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(EntityId + "!" + username)));

    /// <summary>What the SP trusts: the metadata document read through the same reader as any IdP's.</summary>
    public IdentityProviderMetadata ReadMetadata() => IdentityProviderMetadataReader.Read(MetadataXml);

    // The demo IdP vouches for exactly the home organisations of its users: the scopes of their scoped
    // attribute values, published as shibmd:Scope so the proxy's scope check applies as for any IdP.
    private static IEnumerable<string> HomeOrganisations(IEnumerable<DemoUser> users) =>
        users.SelectMany(user => user.Attributes)
            .Where(attribute => SamlAttributeMapping.ForInternalName(attribute.Key)?.Scoped == true)
            .SelectMany(attribute => attribute.Value)
            .Select(value => value[(value.LastIndexOf('@') + 1)..])
            .Distinct(StringComparer.OrdinalIgnoreCase)
            .Order(StringComparer.Ordinal);

    private string WriteMetadata(IEnumerable<string> scopes)
    {
        const string redirect = "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect";
        var entity = new XElement(Md + "EntityDescriptor",
            new XAttribute(XNamespace.Xmlns + "md", Md),
            new XAttribute(XNamespace.Xmlns + "ds", Ds),
            new XAttribute(XNamespace.Xmlns + "shibmd", ShibMd),
            new XAttribute(XNamespace.Xmlns + "mdui", MdUi),
            new XAttribute("entityID", EntityId),
            new XElement(Md + "IDPSSODescriptor",
                new XAttribute("protocolSupportEnumeration", SamlNamespaces.Protocol),
                new XAttribute("WantAuthnRequestsSigned", "true"),
                new XElement(Md + "Extensions",
                    scopes.Select(scope => new XElement(ShibMd + "Scope", new XAttribute("regexp", "false"), scope)),
                    new XElement(MdUi + "UIInfo",
                        new XElement(MdUi + "DisplayName", new XAttribute(XNamespace.Xml + "lang", "en"),
                            "Demo identity provider (development only)"))),
                new XElement(Md + "KeyDescriptor", new XAttribute("use", "signing"),
                    new XElement(Ds + "KeyInfo", new XElement(Ds + "X509Data",
                        new XElement(Ds + "X509Certificate", Convert.ToBase64String(SigningCertificate.RawData))))),
                new XElement(Md + "SingleLogoutService", new XAttribute("Binding", redirect),
                    new XAttribute("Location", SingleLogoutUrl.AbsoluteUri)),
                new XElement(Md + "NameIDFormat", "urn:oasis:names:tc:SAML:2.0:nameid-format:persistent"),
                new XElement(Md + "SingleSignOnService", new XAttribute("Binding", redirect),
                    new XAttribute("Location", SingleSignOnUrl.AbsoluteUri))));
        return new XDocument(new XDeclaration("1.0", "utf-8", null), entity).ToString();
    }
}
