using AaiProxy.Saml.Attributes;
using System.Diagnostics;
using System.Security.Cryptography.X509Certificates;
using System.Security.Cryptography.Xml;
using System.Xml;
using AaiProxy.Saml.ServiceProviderMetadata;
using AaiProxy.Saml.Tests.Bindings;
using Microsoft.Extensions.Time.Testing;

namespace AaiProxy.Saml.Tests.ServiceProviderMetadata;

public sealed class ServiceProviderMetadataWriterTests
{
    private static readonly TestKeyPair SigningKey = new("sp-signing.example.org");
    private static readonly TestKeyPair EncryptionKey = new("sp-encryption.example.org");

    private static readonly ServiceProviderSettings Settings = new(
        "https://proxy.example.org/saml/metadata",
        new Uri("https://proxy.example.org/saml/acs"),
        new Uri("https://proxy.example.org/saml/slo"),
        SigningKey.WithPrivateKey,
        [EncryptionKey.WithPrivateKey]);

    private static readonly ServiceProviderMetadataContent Content = new()
    {
        DisplayName = "Photon & Neutron AAI",
        Description = "Community AAI for photon and neutron facilities",
        InformationUrl = new Uri("https://proxy.example.org/about"),
        PrivacyStatementUrl = new Uri("https://proxy.example.org/privacy"),
        Logo = new MetadataLogo(new Uri("https://proxy.example.org/logo.png"), 80, 60),
        Organization = new MetadataOrganization("PaN", "Photon and Neutron", new Uri("https://pan.example.org/")),
        TechnicalContact = new MetadataContact("Ops", "ops@example.org"),
        SecurityContact = new MetadataContact("CSIRT", "mailto:csirt@example.org"),
    };

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero));

    private XmlDocument Write()
    {
        var document = new XmlDocument { PreserveWhitespace = true };
        document.LoadXml(new ServiceProviderMetadataWriter(Settings, _time).Write(Content));
        return document;
    }

    [Fact]
    public void Entity_descriptor_children_follow_the_metadata_schema_order()
    {
        var entity = Write().DocumentElement!;

        Assert.Equal(["Signature", "Extensions", "SPSSODescriptor", "Organization", "ContactPerson", "ContactPerson"],
            Elements(entity).Select(element => element.LocalName));
        Assert.Equal(["Extensions", "KeyDescriptor", "KeyDescriptor", "SingleLogoutService", "NameIDFormat", "NameIDFormat",
                "AssertionConsumerService", "AttributeConsumingService"],
            Elements(Single(entity, "SPSSODescriptor")).Select(element => element.LocalName));
    }

    [Fact]
    public void Describes_our_endpoints_keys_and_validity()
    {
        var entity = Write().DocumentElement!;
        var sp = Single(entity, "SPSSODescriptor");

        Assert.Equal("https://proxy.example.org/saml/metadata", entity.GetAttribute("entityID"));
        Assert.Equal("2026-03-08T12:00:00Z", entity.GetAttribute("validUntil"));
        Assert.Equal("PT6H", entity.GetAttribute("cacheDuration"));
        Assert.Equal("true", sp.GetAttribute("AuthnRequestsSigned"));
        Assert.Equal("true", sp.GetAttribute("WantAssertionsSigned"));
        Assert.Equal(SamlNamespaces.Protocol, sp.GetAttribute("protocolSupportEnumeration"));
        var acs = Single(sp, "AssertionConsumerService");
        Assert.Equal(("urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST", "https://proxy.example.org/saml/acs", "0", "true"),
            (acs.GetAttribute("Binding"), acs.GetAttribute("Location"), acs.GetAttribute("index"), acs.GetAttribute("isDefault")));
        var slo = Single(sp, "SingleLogoutService");
        Assert.Equal(("urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect", "https://proxy.example.org/saml/slo"),
            (slo.GetAttribute("Binding"), slo.GetAttribute("Location")));

        var keys = Elements(sp).Where(element => element.LocalName == "KeyDescriptor").ToList();
        Assert.Equal(SigningKey.Public.RawData, Convert.FromBase64String(keys[0].InnerText.Trim()));
        Assert.Equal("signing", keys[0].GetAttribute("use"));
        Assert.Equal("encryption", keys[1].GetAttribute("use"));
        Assert.Equal(EncryptionKey.Public.RawData,
            Convert.FromBase64String(keys[1].GetElementsByTagName("X509Certificate", SamlNamespaces.XmlDsig)[0]!.InnerText));
        Assert.Equal(["http://www.w3.org/2009/xmlenc11#aes256-gcm", "http://www.w3.org/2009/xmlenc11#aes128-gcm",
                "http://www.w3.org/2001/04/xmlenc#aes256-cbc",
                "http://www.w3.org/2001/04/xmlenc#aes128-cbc",
                "http://www.w3.org/2009/xmlenc11#rsa-oaep",
                "http://www.w3.org/2001/04/xmlenc#rsa-oaep-mgf1p"],
            Elements(keys[1]).Where(element => element.LocalName == "EncryptionMethod").Select(element => element.GetAttribute("Algorithm")));
    }

    [Fact]
    public void Requests_every_mapped_attribute_by_uri_name()
    {
        var service = Single(Single(Write().DocumentElement!, "SPSSODescriptor"), "AttributeConsumingService");
        var requested = Elements(service).Where(element => element.LocalName == "RequestedAttribute").ToList();

        Assert.Equal("Photon & Neutron AAI", Single(service, "ServiceName").InnerText);
        Assert.Equal(SamlAttributeMap.All.Select(attribute => (attribute.Name, attribute.FriendlyName)),
            requested.Select(element => (element.GetAttribute("Name"), element.GetAttribute("FriendlyName"))));
        Assert.All(requested, element => Assert.Equal(SamlAttributeMap.UriNameFormat, element.GetAttribute("NameFormat")));
        Assert.Contains(requested, element => element.GetAttribute("Name") == "urn:oid:1.3.6.1.4.1.25178.4.1.11");
    }

    [Fact]
    public void Declares_research_and_scholarship_sirtfi_and_a_refeds_security_contact()
    {
        var entity = Write().DocumentElement!;
        var attributes = entity.GetElementsByTagName("Attribute", SamlNamespaces.Assertion).Cast<XmlElement>()
            .ToDictionary(element => element.GetAttribute("Name"), element => element.InnerText);

        Assert.Equal("http://refeds.org/category/research-and-scholarship", attributes["http://macedir.org/entity-category"]);
        Assert.Equal("https://refeds.org/sirtfi", attributes["urn:oasis:names:tc:SAML:attribute:assurance-certification"]);
        var contacts = Elements(entity).Where(element => element.LocalName == "ContactPerson").ToList();
        Assert.Equal("technical", contacts[0].GetAttribute("contactType"));
        Assert.Equal("mailto:ops@example.org", Single(contacts[0], "EmailAddress").InnerText);
        var security = contacts[1];
        Assert.Equal("other", security.GetAttribute("contactType"));
        Assert.Equal("http://refeds.org/metadata/contactType/security", security.GetAttribute("contactType", SamlNamespaces.Remd));
        Assert.Equal(["GivenName", "EmailAddress"], Elements(security).Select(element => element.LocalName));
        Assert.Equal("mailto:csirt@example.org", Single(security, "EmailAddress").InnerText);
    }

    [Fact]
    public void Ui_info_names_the_service_for_people()
    {
        var ui = (XmlElement)Write().GetElementsByTagName("UIInfo", SamlNamespaces.MdUi)[0]!;

        Assert.Equal(["DisplayName", "Description", "Logo", "InformationURL", "PrivacyStatementURL"],
            Elements(ui).Select(element => element.LocalName));
        Assert.Equal("en", Elements(ui).First().GetAttribute("xml:lang"));
        Assert.Equal("https://proxy.example.org/privacy", Elements(ui).Last().InnerText);
    }

    [Fact]
    public void Signature_verifies_with_the_published_signing_certificate_and_covers_the_entity()
    {
        var document = Write();
        var signature = (XmlElement)document.GetElementsByTagName("Signature", SamlNamespaces.XmlDsig)[0]!;
        var signedXml = new SignedXml(document);
        signedXml.LoadXml(signature);

        Assert.True(signedXml.CheckSignature(SigningKey.Public, verifySignatureOnly: true));
        Assert.Equal("http://www.w3.org/2001/04/xmldsig-more#rsa-sha256", signedXml.SignatureMethod);
        var reference = Assert.IsType<Reference>(Assert.Single(signedXml.SignedInfo!.References));
        Assert.Equal("#" + document.DocumentElement!.GetAttribute("ID"), reference.Uri);

        document.DocumentElement.SetAttribute("entityID", "https://evil.example.org/");
        var tampered = new SignedXml(document);
        tampered.LoadXml(signature);
        Assert.False(tampered.CheckSignature(SigningKey.Public, verifySignatureOnly: true));
    }

    [Xmlsec1Fact]
    public void Signature_verifies_with_xmlsec1()
    {
        const string xmlsec1 = Xmlsec1FactAttribute.Path;
        Assert.True(File.Exists(xmlsec1), "xmlsec1 is required with CI=true (apt-get install -y xmlsec1).");

        var directory = Directory.CreateTempSubdirectory("aaiproxy-spmd-");
        try
        {
            var metadata = Path.Combine(directory.FullName, "metadata.xml");
            var certificate = Path.Combine(directory.FullName, "signing.pem");
            File.WriteAllText(metadata, new ServiceProviderMetadataWriter(Settings, _time).Write(Content));
            File.WriteAllText(certificate, SigningKey.Public.ExportCertificatePem());

            Assert.Equal(0, RunXmlsec1(xmlsec1, certificate, metadata));

            File.WriteAllText(metadata, File.ReadAllText(metadata).Replace("Photon &amp; Neutron AAI", "Evil", StringComparison.Ordinal));
            Assert.NotEqual(0, RunXmlsec1(xmlsec1, certificate, metadata));
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    private static int RunXmlsec1(string xmlsec1, string certificate, string metadata)
    {
        var start = new ProcessStartInfo(xmlsec1)
        {
            ArgumentList = { "--verify", "--pubkey-cert-pem", certificate, "--id-attr:ID", "urn:oasis:names:tc:SAML:2.0:metadata:EntityDescriptor", metadata },
            RedirectStandardError = true,
            RedirectStandardOutput = true,
        };
        using var process = Process.Start(start)!;
        process.StandardOutput.ReadToEnd();
        process.StandardError.ReadToEnd();
        process.WaitForExit();
        return process.ExitCode;
    }

    private static IEnumerable<XmlElement> Elements(XmlElement parent) => parent.ChildNodes.OfType<XmlElement>();

    private static XmlElement Single(XmlElement parent, string localName) =>
        Assert.Single(Elements(parent), element => element.LocalName == localName);
}
