using System.Security.Cryptography.X509Certificates;
using System.Security.Cryptography.Xml;
using System.Xml;
using AaiProxy.Saml;
using AaiProxy.Server.Tests.Infrastructure;

namespace AaiProxy.Server.Tests.Saml;

/// <summary>Our SP metadata as a federation fetches it: signed, complete, at its own entity ID.</summary>
[Collection(PlainAssertionsProxyFixture.Collection)]
public sealed class ServiceProviderMetadataEndpointTests(PlainAssertionsProxyFixture fixture)
{
    private const string MetadataUrl = ProxyFactory.Origin + "/saml/metadata";

    [Fact]
    public async Task Metadata_is_signed_by_its_published_signing_key_and_names_the_security_contact_and_entity_categories()
    {
        using var response = await fixture.Factory.CreateClient().GetAsync("/saml/metadata");

        Assert.Equal("application/samlmetadata+xml", response.Content.Headers.ContentType?.MediaType);
        var document = new XmlDocument { PreserveWhitespace = true, XmlResolver = null };
        document.LoadXml(await response.Content.ReadAsStringAsync());
        var entity = document.DocumentElement!;
        Assert.Equal(("EntityDescriptor", SamlNamespaces.Metadata), (entity.LocalName, entity.NamespaceURI));
        Assert.Equal(MetadataUrl, entity.GetAttribute("entityID"));

        var signingCertificate = SigningCertificate(entity);
        Assert.True(VerifiesWith(document, signingCertificate), "The metadata signature does not verify with its signing key.");
        entity.SetAttribute("entityID", "https://attacker.example.org/sp");
        Assert.False(VerifiesWith(document, signingCertificate), "The signature does not cover the entity ID.");

        var contact = Assert.Single(Elements(entity, SamlNamespaces.Metadata, "ContactPerson"),
            person => person.GetAttribute("contactType", SamlNamespaces.Remd) == "http://refeds.org/metadata/contactType/security");
        Assert.Equal("other", contact.GetAttribute("contactType"));
        Assert.StartsWith("mailto:", Assert.Single(Elements(contact, SamlNamespaces.Metadata, "EmailAddress")).InnerText);

        Assert.Contains("http://refeds.org/category/research-and-scholarship", EntityAttribute(entity, "http://macedir.org/entity-category"));
        Assert.Contains("https://refeds.org/sirtfi", EntityAttribute(entity, "urn:oasis:names:tc:SAML:attribute:assurance-certification"));
    }

    private static X509Certificate2 SigningCertificate(XmlElement entity)
    {
        var descriptor = Assert.Single(Elements(entity, SamlNamespaces.Metadata, "KeyDescriptor"),
            key => key.GetAttribute("use") == "signing");
        var certificate = Assert.Single(Elements(descriptor, SamlNamespaces.XmlDsig, "X509Certificate"));
        return X509CertificateLoader.LoadCertificate(Convert.FromBase64String(certificate.InnerText));
    }

    // The enveloped signature, a direct child of the EntityDescriptor, referencing that element's ID.
    private static bool VerifiesWith(XmlDocument document, X509Certificate2 certificate)
    {
        var entity = document.DocumentElement!;
        var signature = Assert.Single(entity.ChildNodes.OfType<XmlElement>(),
            child => child.LocalName == "Signature" && child.NamespaceURI == SamlNamespaces.XmlDsig);
        var signedXml = new SignedXml(document);
        signedXml.LoadXml(signature);
        var reference = Assert.Single(signedXml.SignedInfo!.References.Cast<Reference>());
        Assert.Equal("#" + entity.GetAttribute("ID"), reference.Uri);
        return signedXml.CheckSignature(certificate, verifySignatureOnly: true);
    }

    private static IEnumerable<string> EntityAttribute(XmlElement entity, string name) =>
        Elements(entity, SamlNamespaces.Assertion, "Attribute")
            .Where(attribute => attribute.GetAttribute("Name") == name && attribute.ParentNode?.LocalName == "EntityAttributes")
            .SelectMany(attribute => Elements(attribute, SamlNamespaces.Assertion, "AttributeValue"))
            .Select(value => value.InnerText);

    private static IEnumerable<XmlElement> Elements(XmlElement parent, string namespaceUri, string localName) =>
        parent.GetElementsByTagName(localName, namespaceUri).Cast<XmlElement>();
}
