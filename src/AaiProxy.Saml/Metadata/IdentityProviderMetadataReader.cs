using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Xml;
using AaiProxy.Saml.Xml;

namespace AaiProxy.Saml.Metadata;

/// <summary>Metadata that cannot describe a usable SAML 2.0 identity provider.</summary>
public sealed class IdentityProviderMetadataException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>
/// Reads one md:EntityDescriptor with an IDPSSODescriptor (SAML Metadata 2.3.2 and 2.4.3) into
/// <see cref="IdentityProviderMetadata"/>. The document's own signature is not checked here: files
/// named in configuration are trusted as the operator's choice; aggregates are verified elsewhere.
/// </summary>
public static class IdentityProviderMetadataReader
{
    private const string Saml2Protocol = "urn:oasis:names:tc:SAML:2.0:protocol";
    private const string RedirectBinding = "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect";

    /// <summary>Reads a metadata file named in configuration; errors name the file.</summary>
    public static IdentityProviderMetadata ReadFile(string path)
    {
        try
        {
            return Read(File.ReadAllText(path));
        }
        catch (Exception ex) when (ex is IdentityProviderMetadataException or IOException or UnauthorizedAccessException)
        {
            throw new IdentityProviderMetadataException($"Identity provider metadata file '{path}': {ex.Message}", ex);
        }
    }

    public static IdentityProviderMetadata Read(string xml)
    {
        XmlDocument document;
        try
        {
            document = SafeXml.Load(xml, SafeXmlLimits.EntityMetadata);
        }
        catch (SafeXmlException ex)
        {
            throw new IdentityProviderMetadataException($"The metadata is not acceptable XML: {ex.Message}", ex);
        }

        var entity = document.DocumentElement!;
        if (!entity.Is(SamlNamespaces.Metadata, "EntityDescriptor"))
        {
            throw new IdentityProviderMetadataException(
                $"The root element is {{{entity.NamespaceURI}}}{entity.LocalName}, not {{{SamlNamespaces.Metadata}}}EntityDescriptor.");
        }

        var entityId = entity.AttributeOrNull("entityID");
        if (string.IsNullOrEmpty(entityId))
        {
            throw new IdentityProviderMetadataException("The EntityDescriptor has no entityID.");
        }

        var idp = entity.ChildElements(SamlNamespaces.Metadata, "IDPSSODescriptor")
                      .FirstOrDefault(d => (d.AttributeOrNull("protocolSupportEnumeration") ?? "").Split(' ').Contains(Saml2Protocol))
                  ?? throw new IdentityProviderMetadataException($"'{entityId}' has no IDPSSODescriptor supporting SAML 2.0.");

        var signingCertificates = SigningCertificates(idp, entityId);
        var sso = RedirectLocation(idp, "SingleSignOnService")
                  ?? throw new IdentityProviderMetadataException($"'{entityId}' has no HTTP-Redirect SingleSignOnService.");
        var scopes = Extensions(entity).Concat(Extensions(idp))
            .SelectMany(e => e.ChildElements(SamlNamespaces.ShibMd, "Scope"))
            .Select(scope => new ShibbolethScope((scope.WholeText() ?? "").Trim(), scope.AttributeOrNull("regexp") is "true" or "1"))
            .Where(scope => scope.Value.Length > 0)
            .ToList();
        return new IdentityProviderMetadata(entityId, signingCertificates, sso, RedirectLocation(idp, "SingleLogoutService"),
            scopes, DisplayName(idp));
    }

    // Metadata 2.4.1.1: KeyDescriptor use="signing", or without use (both purposes).
    private static List<X509Certificate2> SigningCertificates(XmlElement idp, string entityId)
    {
        var certificates = idp.ChildElements(SamlNamespaces.Metadata, "KeyDescriptor")
            .Where(key => key.AttributeOrNull("use") is null or "signing")
            .SelectMany(key => key.ChildElements(SamlNamespaces.XmlDsig, "KeyInfo"))
            .SelectMany(keyInfo => keyInfo.ChildElements(SamlNamespaces.XmlDsig, "X509Data"))
            .SelectMany(data => data.ChildElements(SamlNamespaces.XmlDsig, "X509Certificate"))
            .Select(certificate => LoadCertificate(certificate.WholeText() ?? "", entityId))
            .ToList();
        return certificates.Count > 0
            ? certificates
            : throw new IdentityProviderMetadataException($"'{entityId}' has no signing certificate.");
    }

    private static X509Certificate2 LoadCertificate(string base64, string entityId)
    {
        try
        {
            var der = Convert.FromBase64String(string.Concat(base64.Where(c => !char.IsWhiteSpace(c))));
            return X509CertificateLoader.LoadCertificate(der);
        }
        catch (Exception ex) when (ex is FormatException or CryptographicException)
        {
            throw new IdentityProviderMetadataException($"'{entityId}' has an unreadable X509Certificate: {ex.Message}", ex);
        }
    }

    private static Uri? RedirectLocation(XmlElement idp, string service)
    {
        var location = idp.ChildElements(SamlNamespaces.Metadata, service)
            .FirstOrDefault(e => e.AttributeOrNull("Binding") == RedirectBinding)?.AttributeOrNull("Location");
        if (location is null)
        {
            return null;
        }

        return Uri.TryCreate(location, UriKind.Absolute, out var uri) && uri.Scheme is "https" or "http"
            ? uri
            : throw new IdentityProviderMetadataException($"{service} location '{location}' is not an absolute http(s) URL.");
    }

    private static IEnumerable<XmlElement> Extensions(XmlElement element) =>
        element.ChildElements(SamlNamespaces.Metadata, "Extensions");

    // MDUI 2.1.2: DisplayName per language; English preferred, else the first.
    private static string? DisplayName(XmlElement idp)
    {
        var names = Extensions(idp)
            .SelectMany(e => e.ChildElements(SamlNamespaces.MdUi, "UIInfo"))
            .SelectMany(ui => ui.ChildElements(SamlNamespaces.MdUi, "DisplayName"))
            .ToList();
        var chosen = names.FirstOrDefault(n => n.GetAttribute("lang", "http://www.w3.org/XML/1998/namespace") == "en") ?? names.FirstOrDefault();
        return chosen?.WholeText()?.Trim();
    }
}
