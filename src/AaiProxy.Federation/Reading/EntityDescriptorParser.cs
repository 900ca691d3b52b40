using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Xml;
using System.Xml.Linq;
using AaiProxy.Federation.Model;
using AaiProxy.Saml;
using AaiProxy.Saml.Metadata;

namespace AaiProxy.Federation.Reading;

/// <summary>An identity provider that cannot be used; the document it came in stays usable.</summary>
internal sealed class UnusableEntityException(string? entityId, string reason) : Exception(reason)
{
    public string? EntityId { get; } = entityId;
}

/// <summary>
/// Turns one <c>md:EntityDescriptor</c> (already cut out of the stream, nothing else in memory) into
/// a <see cref="FederationEntity"/>. Only direct children along fixed paths are read, so nothing from
/// another part of the document can leak into the entity.
/// </summary>
internal sealed class EntityDescriptorParser(DateTimeOffset now)
{
    private static readonly XNamespace Md = SamlNamespaces.Metadata;
    private static readonly XNamespace MdUi = SamlNamespaces.MdUi;
    private static readonly XNamespace MdRpi = FederationUris.MdRpi;
    private static readonly XNamespace MdAttr = SamlNamespaces.MdAttr;
    private static readonly XNamespace Saml = SamlNamespaces.Assertion;
    private static readonly XNamespace ShibMd = SamlNamespaces.ShibMd;
    private static readonly XNamespace Ds = SamlNamespaces.XmlDsig;
    private static readonly XName XmlLang = XNamespace.Xml + "lang";

    // Aggregates repeat certificates (shared keys, federation-operated IdPs): parse each once.
    private readonly Dictionary<string, X509Certificate2> _certificates = new(StringComparer.Ordinal);

    /// <returns>The identity provider, or null when the entity is not a SAML 2.0 IdP (an SP, an AA).</returns>
    /// <exception cref="UnusableEntityException">An IdP the proxy cannot use.</exception>
    public FederationEntity? Parse(XElement entity)
    {
        var entityId = (string?)entity.Attribute("entityID");
        if (string.IsNullOrWhiteSpace(entityId))
        {
            throw new UnusableEntityException(null, "The EntityDescriptor has no entityID.");
        }

        // Metadata 2.3.1: an element past its validUntil must not be used.
        if (ParseInstant((string?)entity.Attribute("validUntil"), entityId) is { } validUntil && validUntil <= now)
        {
            throw new UnusableEntityException(entityId, $"The entity expired at {validUntil:O}.");
        }

        var idp = entity.Elements(Md + "IDPSSODescriptor")
            .FirstOrDefault(d => ((string?)d.Attribute("protocolSupportEnumeration") ?? "")
                .Split(' ', StringSplitOptions.RemoveEmptyEntries).Contains(FederationUris.Saml2Protocol));
        if (idp is null)
        {
            return null;
        }

        var singleSignOn = Endpoints(idp, "SingleSignOnService", entityId);
        if (FederationEntity.RedirectLocation(singleSignOn) is null)
        {
            throw new UnusableEntityException(entityId, "No HTTP-Redirect SingleSignOnService with an absolute http(s) location.");
        }

        var (signing, encryption) = Certificates(idp, entityId);
        if (signing.Count == 0)
        {
            throw new UnusableEntityException(entityId, "No signing certificate.");
        }

        var entityExtensions = entity.Elements(Md + "Extensions").ToList();
        var idpExtensions = idp.Elements(Md + "Extensions").ToList();
        return new FederationEntity
        {
            EntityId = entityId,
            RegistrationAuthority = entityExtensions.Elements(MdRpi + "RegistrationInfo")
                .Select(r => (string?)r.Attribute("registrationAuthority")).FirstOrDefault(),
            SingleSignOnServices = singleSignOn,
            SingleLogoutServices = Endpoints(idp, "SingleLogoutService", entityId),
            SigningCertificates = signing,
            EncryptionCertificates = encryption,
            Scopes = Scopes(entityExtensions.Concat(idpExtensions)),
            UserInterface = UserInterface(idpExtensions.Elements(MdUi + "UIInfo").FirstOrDefault()),
            DiscoveryHints = DiscoveryHints(idpExtensions.Elements(MdUi + "DiscoHints").FirstOrDefault()),
            EntityAttributes = EntityAttributes(entityExtensions),
        };
    }

    internal static DateTimeOffset? ParseInstant(string? value, string? entityId)
    {
        if (value is null)
        {
            return null;
        }

        try
        {
            return XmlConvert.ToDateTimeOffset(value.Trim());
        }
        catch (FormatException)
        {
            throw new UnusableEntityException(entityId, $"validUntil '{value}' is not an xs:dateTime.");
        }
    }

    // Endpoints with an unusable location are left out; the caller decides whether what remains suffices.
    private static List<MetadataEndpoint> Endpoints(XElement idp, string service, string entityId)
    {
        var endpoints = new List<MetadataEndpoint>();
        foreach (var element in idp.Elements(Md + service))
        {
            var binding = (string?)element.Attribute("Binding");
            var location = (string?)element.Attribute("Location");
            if (binding is not null && Uri.TryCreate(location, UriKind.Absolute, out var uri) && uri.Scheme is "https" or "http")
            {
                endpoints.Add(new MetadataEndpoint(binding, uri));
            }
            else if (binding == FederationUris.HttpRedirectBinding && service == "SingleSignOnService")
            {
                throw new UnusableEntityException(entityId, $"SingleSignOnService location '{location}' is not an absolute http(s) URL.");
            }
        }

        return endpoints;
    }

    // Metadata 2.4.1.1: use="signing", use="encryption", or no use (both).
    private (List<X509Certificate2> Signing, List<X509Certificate2> Encryption) Certificates(XElement idp, string entityId)
    {
        var signing = new List<X509Certificate2>();
        var encryption = new List<X509Certificate2>();
        foreach (var key in idp.Elements(Md + "KeyDescriptor"))
        {
            var use = (string?)key.Attribute("use");
            var certificates = key.Elements(Ds + "KeyInfo").Elements(Ds + "X509Data").Elements(Ds + "X509Certificate")
                .Select(c => Certificate(c.Value, entityId));
            foreach (var certificate in certificates)
            {
                if (use is null or "signing")
                {
                    signing.Add(certificate);
                }

                if (use is null or "encryption")
                {
                    encryption.Add(certificate);
                }
            }
        }

        return (signing, encryption);
    }

    private X509Certificate2 Certificate(string base64, string entityId)
    {
        var compact = string.Concat(base64.Where(c => !char.IsWhiteSpace(c)));
        if (_certificates.TryGetValue(compact, out var known))
        {
            return known;
        }

        try
        {
            var certificate = X509CertificateLoader.LoadCertificate(Convert.FromBase64String(compact));
            _certificates.Add(compact, certificate);
            return certificate;
        }
        catch (Exception ex) when (ex is FormatException or CryptographicException)
        {
            throw new UnusableEntityException(entityId, $"Unreadable X509Certificate: {ex.Message}");
        }
    }

    private static List<ShibbolethScope> Scopes(IEnumerable<XElement> extensions) =>
        extensions.Elements(ShibMd + "Scope")
            .Select(s => new ShibbolethScope(s.Value.Trim(), (string?)s.Attribute("regexp") is "true" or "1"))
            .Where(s => s.Value.Length > 0)
            .ToList();

    // MDUI 2.1.
    private static UserInterfaceInfo UserInterface(XElement? ui) => ui is null
        ? UserInterfaceInfo.Empty
        : new UserInterfaceInfo(
            Localized(ui, "DisplayName"),
            Localized(ui, "Description"),
            Localized(ui, "Keywords"),
            ui.Elements(MdUi + "Logo").Select(Logo).OfType<MetadataLogo>().ToList(),
            Localized(ui, "InformationURL"),
            Localized(ui, "PrivacyStatementURL"));

    private static List<LocalizedText> Localized(XElement parent, string localName) =>
        parent.Elements(MdUi + localName)
            .Select(e => new LocalizedText(((string?)e.Attribute(XmlLang) ?? "").Trim(), e.Value.Trim()))
            .Where(t => t.Value.Length > 0)
            .ToList();

    // MDUI 2.1.6: width and height are required positive integers; a logo without them is left out.
    private static MetadataLogo? Logo(XElement logo)
    {
        var url = logo.Value.Trim();
        return url.Length > 0
               && int.TryParse((string?)logo.Attribute("width"), out var width) && width > 0
               && int.TryParse((string?)logo.Attribute("height"), out var height) && height > 0
            ? new MetadataLogo(url, width, height, (string?)logo.Attribute(XmlLang))
            : null;
    }

    // MDUI 2.2.
    private static DiscoveryHints DiscoveryHints(XElement? hints) => hints is null
        ? Model.DiscoveryHints.Empty
        : new DiscoveryHints(Texts(hints, "DomainHint"), Texts(hints, "IPHint"), Texts(hints, "GeolocationHint"));

    private static List<string> Texts(XElement parent, string localName) =>
        parent.Elements(MdUi + localName).Select(e => e.Value.Trim()).Where(v => v.Length > 0).ToList();

    // MDAttr 2.4: saml:Attribute elements with their AttributeValues.
    private static Dictionary<string, IReadOnlyList<string>> EntityAttributes(IEnumerable<XElement> extensions)
    {
        var attributes = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        foreach (var attribute in extensions.Elements(MdAttr + "EntityAttributes").Elements(Saml + "Attribute"))
        {
            var name = (string?)attribute.Attribute("Name");
            if (string.IsNullOrEmpty(name))
            {
                continue;
            }

            var values = attribute.Elements(Saml + "AttributeValue").Select(v => v.Value.Trim()).Where(v => v.Length > 0);
            attributes[name] = attributes.TryGetValue(name, out var earlier) ? [.. earlier, .. values] : values.ToList();
        }

        return attributes;
    }
}
