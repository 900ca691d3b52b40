using System.Security.Cryptography.X509Certificates;
using System.Security.Cryptography.Xml;
using System.Xml;
using System.Xml.Linq;
using AaiProxy.Saml.Attributes;
using AaiProxy.Saml.Requests;
using AaiProxy.Saml.Xml;

namespace AaiProxy.Saml.ServiceProviderMetadata;

/// <summary>
/// Writes our signed SP metadata (saml-schema-metadata-2.0, with the REFEDS, mdui and mdattr
/// extensions that eduGAIN federations expect). Element order follows the schema's sequences.
/// </summary>
public sealed class ServiceProviderMetadataWriter(ServiceProviderSettings settings, TimeProvider timeProvider)
{
    private const string HttpPostBinding = "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST";
    private const string HttpRedirectBinding = "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect";
    /// <summary>Exactly what the decryptor accepts in <c>EncryptedAssertion</c>s, preferred first
    /// (Metadata 2.4.1.1: an IdP picks from this list). AES-CBC stays because many eduGAIN IdPs
    /// (SimpleSAMLphp among them) still send it; rsa-1_5 is never listed nor accepted.</summary>
    private static readonly string[] AcceptedEncryptionMethods =
    [
        XmlSecurityAlgorithms.Aes256Gcm,
        XmlSecurityAlgorithms.Aes128Gcm,
        XmlSecurityAlgorithms.Aes256Cbc,
        XmlSecurityAlgorithms.Aes128Cbc,
        XmlSecurityAlgorithms.RsaOaep,
        XmlSecurityAlgorithms.RsaOaepMgf1p,
    ];

    private static readonly XNamespace Md = SamlNamespaces.Metadata;
    private static readonly XNamespace Saml = SamlNamespaces.Assertion;
    private static readonly XNamespace Ds = SamlNamespaces.XmlDsig;
    private static readonly XNamespace MdUi = SamlNamespaces.MdUi;
    private static readonly XNamespace MdAttr = SamlNamespaces.MdAttr;
    private static readonly XNamespace Remd = SamlNamespaces.Remd;

    /// <summary>Returns the signed metadata document, to serve as <c>application/samlmetadata+xml</c>.</summary>
    public string Write(ServiceProviderMetadataContent content)
    {
        ArgumentNullException.ThrowIfNull(content);
        var id = SamlProtocolValues.NewId();
        var lang = content.Language;
        var keys = settings.Keys.Current; // one set for the whole document, even while the host swaps them
        var entity = new XElement(Md + "EntityDescriptor",
            new XAttribute(XNamespace.Xmlns + "md", Md),
            new XAttribute(XNamespace.Xmlns + "saml", Saml),
            new XAttribute(XNamespace.Xmlns + "ds", Ds),
            new XAttribute(XNamespace.Xmlns + "mdui", MdUi),
            new XAttribute(XNamespace.Xmlns + "mdattr", MdAttr),
            new XAttribute(XNamespace.Xmlns + "remd", Remd),
            new XAttribute("ID", id),
            new XAttribute("entityID", settings.EntityId),
            new XAttribute("validUntil", SamlProtocolValues.FormatInstant(timeProvider.GetUtcNow() + content.ValidFor)),
            new XAttribute("cacheDuration", XmlConvert.ToString(content.CacheDuration)),
            // EntityDescriptorType: ds:Signature (inserted on signing), Extensions, role descriptors, Organization, ContactPerson*.
            new XElement(Md + "Extensions", WriteEntityAttributes(content)),
            WriteServiceProviderDescriptor(content, lang, keys),
            new XElement(Md + "Organization",
                new XElement(Md + "OrganizationName", Lang(lang), content.Organization.Name),
                new XElement(Md + "OrganizationDisplayName", Lang(lang), content.Organization.DisplayName),
                new XElement(Md + "OrganizationURL", Lang(lang), content.Organization.Url.AbsoluteUri)),
            WriteContact(content.TechnicalContact, new XAttribute("contactType", "technical")),
            WriteContact(content.SecurityContact,
                new XAttribute("contactType", "other"),
                new XAttribute(Remd + "contactType", "http://refeds.org/metadata/contactType/security")));

        return Sign(entity, keys.Signing).OuterXml;
    }

    private XElement WriteServiceProviderDescriptor(ServiceProviderMetadataContent content, string lang, ServiceProviderKeys keys)
    {
        // SPSSODescriptorType: Extensions, KeyDescriptor*, (Organization, ContactPerson: none),
        // SingleLogoutService*, NameIDFormat*, AssertionConsumerService+, AttributeConsumingService*.
        return new XElement(Md + "SPSSODescriptor",
            new XAttribute("protocolSupportEnumeration", SamlNamespaces.Protocol),
            new XAttribute("AuthnRequestsSigned", content.AuthnRequestsSigned ? "true" : "false"),
            new XAttribute("WantAssertionsSigned", "true"),
            new XElement(Md + "Extensions",
                new XElement(MdUi + "UIInfo",
                    new XElement(MdUi + "DisplayName", Lang(lang), content.DisplayName),
                    new XElement(MdUi + "Description", Lang(lang), content.Description),
                    content.Logo is null
                        ? null
                        : new XElement(MdUi + "Logo",
                            new XAttribute("height", content.Logo.Height),
                            new XAttribute("width", content.Logo.Width),
                            content.Logo.Url.AbsoluteUri),
                    new XElement(MdUi + "InformationURL", Lang(lang), content.InformationUrl.AbsoluteUri),
                    new XElement(MdUi + "PrivacyStatementURL", Lang(lang), content.PrivacyStatementUrl.AbsoluteUri))),
            // During a rollover the successor is published beside the current key (SAML2Meta 2.4.1.1: several KeyDescriptors).
            keys.PublishedSigning.Select(certificate => WriteKeyDescriptor("signing", certificate)),
            keys.PublishedEncryption.Select(certificate => WriteKeyDescriptor("encryption", certificate,
                AcceptedEncryptionMethods.Select(method => new XElement(Md + "EncryptionMethod", new XAttribute("Algorithm", method))))),
            new XElement(Md + "SingleLogoutService",
                new XAttribute("Binding", HttpRedirectBinding),
                new XAttribute("Location", settings.SingleLogoutServiceUrl.AbsoluteUri)),
            content.NameIdFormats.Select(format => new XElement(Md + "NameIDFormat", format)),
            new XElement(Md + "AssertionConsumerService",
                new XAttribute("Binding", HttpPostBinding),
                new XAttribute("Location", settings.AssertionConsumerServiceUrl.AbsoluteUri),
                new XAttribute("index", 0),
                new XAttribute("isDefault", "true")),
            content.RequestedAttributes.Count == 0
                ? null
                : new XElement(Md + "AttributeConsumingService",
                    new XAttribute("index", 0),
                    new XElement(Md + "ServiceName", Lang(lang), content.DisplayName),
                    content.RequestedAttributes.Select(attribute => new XElement(Md + "RequestedAttribute",
                        new XAttribute("Name", attribute.Name),
                        new XAttribute("NameFormat", SamlAttributeMap.UriNameFormat),
                        new XAttribute("FriendlyName", attribute.FriendlyName)))));
    }

    private static XElement WriteEntityAttributes(ServiceProviderMetadataContent content)
    {
        var attributes = new List<(string Name, IEnumerable<string> Values)>
        {
            ("http://macedir.org/entity-category", content.EntityCategories),
            ("urn:oasis:names:tc:SAML:attribute:assurance-certification", content.AssuranceCertifications),
        };
        if (content.SubjectIdRequirement is not null)
        {
            attributes.Add(("urn:oasis:names:tc:SAML:profiles:subject-id:req", [content.SubjectIdRequirement]));
        }

        return new XElement(MdAttr + "EntityAttributes",
            attributes.Where(attribute => attribute.Values.Any()).Select(attribute => new XElement(Saml + "Attribute",
                new XAttribute("Name", attribute.Name),
                new XAttribute("NameFormat", SamlAttributeMap.UriNameFormat),
                attribute.Values.Select(value => new XElement(Saml + "AttributeValue", value)))));
    }

    private static XElement WriteKeyDescriptor(string use, X509Certificate2 certificate, IEnumerable<XElement>? encryptionMethods = null) =>
        // KeyDescriptorType: ds:KeyInfo, then EncryptionMethod*.
        new(Md + "KeyDescriptor",
            new XAttribute("use", use),
            new XElement(Ds + "KeyInfo",
                new XElement(Ds + "X509Data",
                    new XElement(Ds + "X509Certificate", Convert.ToBase64String(certificate.RawData)))),
            encryptionMethods);

    private static XElement WriteContact(MetadataContact contact, params object[] contactType) =>
        // ContactType: Extensions?, Company?, GivenName?, SurName?, EmailAddress*, TelephoneNumber*.
        new(Md + "ContactPerson",
            contactType,
            new XElement(Md + "GivenName", contact.GivenName),
            new XElement(Md + "EmailAddress",
                contact.EmailAddress.StartsWith("mailto:", StringComparison.OrdinalIgnoreCase)
                    ? contact.EmailAddress
                    : "mailto:" + contact.EmailAddress));

    private static XAttribute Lang(string lang) => new(XNamespace.Xml + "lang", lang);

    /// <summary>Enveloped signature over the whole EntityDescriptor: RSA-SHA256, SHA-256 digest, exclusive c14n.</summary>
    private static XmlDocument Sign(XElement entity, X509Certificate2 signing)
    {
        var document = new XmlDocument { PreserveWhitespace = true, XmlResolver = null };
        using (var reader = entity.CreateReader())
        {
            document.Load(reader);
        }

        // Metadata schema: ds:Signature is the first child of EntityDescriptor (it has no saml:Issuer).
        EnvelopedSigner.Sign(document.DocumentElement!, signing);
        return document;
    }
}
