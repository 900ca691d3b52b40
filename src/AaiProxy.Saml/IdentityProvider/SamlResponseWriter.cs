using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Xml;
using AaiProxy.Saml.Attributes;
using AaiProxy.Saml.Mapping;
using AaiProxy.Saml.Validation;
using AaiProxy.Saml.Xml;

namespace AaiProxy.Saml.IdentityProvider;

/// <summary>
/// The identity provider side of Web Browser SSO (Profiles 4.1.4.2): writes a Response for a service
/// provider, signed with RSA-SHA256 and exclusive c14n, optionally with an encrypted assertion. Used
/// by the development-only demo IdP and by tests; returns the XML (the caller base64-encodes it).
/// </summary>
public sealed class SamlResponseWriter(string issuer, X509Certificate2 signingCertificate, TimeProvider time)
{
    private const string Saml = "saml";
    private const string Samlp = "samlp";
    private const string BearerMethod = "urn:oasis:names:tc:SAML:2.0:cm:bearer";
    private const string XsNamespace = "http://www.w3.org/2001/XMLSchema";
    private const string XsiNamespace = "http://www.w3.org/2001/XMLSchema-instance";

    public string Write(SamlResponseContent content)
    {
        ArgumentNullException.ThrowIfNull(content);
        var now = time.GetUtcNow();
        var assertionXml = WriteAssertion(content, now);
        if (content.SignAssertion)
        {
            assertionXml = SignRoot(assertionXml);
        }

        if (content.EncryptFor is not null)
        {
            assertionXml = AssertionEncryptor.Encrypt(assertionXml, content.EncryptFor, content.ContentEncryption, content.KeyTransport,
                content.KeyPlacement);
        }

        var responseXml = WriteResponse(content.Destination, content.InResponseTo, now,
            new StatusToWrite(SamlStatusCodes.Success, null, null), assertionXml);
        return content.SignResponse ? SignRoot(responseXml) : responseXml;
    }

    /// <summary>A signed Response with a non-Success status and no assertion (Core 3.2.2.2), e.g.
    /// Responder + NoAuthnContext when the requested authentication context cannot be met.</summary>
    public string WriteStatus(Uri destination, string? inResponseTo, string statusCode, string? secondLevelStatusCode, string? statusMessage) =>
        SignRoot(WriteResponse(destination, inResponseTo, time.GetUtcNow(),
            new StatusToWrite(statusCode, secondLevelStatusCode, statusMessage), assertion: null));

    private sealed record StatusToWrite(string Code, string? SecondLevelCode, string? Message);

    private string WriteResponse(Uri destination, string? inResponseTo, DateTimeOffset now, StatusToWrite status, string? assertion)
    {
        return WriteXml(writer =>
        {
            writer.WriteStartElement(Samlp, "Response", SamlNamespaces.Protocol);
            writer.WriteAttributeString("xmlns", Saml, null, SamlNamespaces.Assertion);
            writer.WriteAttributeString("ID", SamlProtocolValues.NewId());
            writer.WriteAttributeString("Version", "2.0");
            writer.WriteAttributeString("IssueInstant", SamlProtocolValues.FormatInstant(now));
            writer.WriteAttributeString("Destination", destination.AbsoluteUri);
            if (inResponseTo is not null)
            {
                writer.WriteAttributeString("InResponseTo", inResponseTo);
            }

            writer.WriteElementString(Saml, "Issuer", SamlNamespaces.Assertion, issuer);
            writer.WriteStartElement(Samlp, "Status", SamlNamespaces.Protocol);
            writer.WriteStartElement(Samlp, "StatusCode", SamlNamespaces.Protocol);
            writer.WriteAttributeString("Value", status.Code);
            if (status.SecondLevelCode is not null)
            {
                writer.WriteStartElement(Samlp, "StatusCode", SamlNamespaces.Protocol);
                writer.WriteAttributeString("Value", status.SecondLevelCode);
                writer.WriteEndElement();
            }

            writer.WriteEndElement();
            if (status.Message is not null)
            {
                writer.WriteElementString(Samlp, "StatusMessage", SamlNamespaces.Protocol, status.Message);
            }

            writer.WriteEndElement(); // Status
            if (assertion is not null)
            {
                writer.WriteRaw(assertion);
            }

            writer.WriteEndElement();
        });
    }

    private string WriteAssertion(SamlResponseContent content, DateTimeOffset now)
    {
        var notOnOrAfter = SamlProtocolValues.FormatInstant(now + content.Lifetime);
        return WriteXml(writer =>
        {
            writer.WriteStartElement(Saml, "Assertion", SamlNamespaces.Assertion);
            writer.WriteAttributeString("xmlns", "xs", null, XsNamespace);
            writer.WriteAttributeString("xmlns", "xsi", null, XsiNamespace);
            writer.WriteAttributeString("ID", SamlProtocolValues.NewId());
            writer.WriteAttributeString("Version", "2.0");
            writer.WriteAttributeString("IssueInstant", SamlProtocolValues.FormatInstant(now));
            writer.WriteElementString(Saml, "Issuer", SamlNamespaces.Assertion, issuer);

            writer.WriteStartElement(Saml, "Subject", SamlNamespaces.Assertion);
            writer.WriteStartElement(Saml, "NameID", SamlNamespaces.Assertion);
            writer.WriteAttributeString("Format", content.NameIdFormat);
            if (content.NameIdFormat == SamlNameIdFormats.Persistent)
            {
                writer.WriteAttributeString("NameQualifier", issuer);
                writer.WriteAttributeString("SPNameQualifier", content.Audience);
            }

            writer.WriteString(content.NameId);
            writer.WriteEndElement();
            writer.WriteStartElement(Saml, "SubjectConfirmation", SamlNamespaces.Assertion);
            writer.WriteAttributeString("Method", BearerMethod);
            writer.WriteStartElement(Saml, "SubjectConfirmationData", SamlNamespaces.Assertion);
            writer.WriteAttributeString("NotOnOrAfter", notOnOrAfter);
            writer.WriteAttributeString("Recipient", content.Destination.AbsoluteUri);
            if (content.InResponseTo is not null)
            {
                writer.WriteAttributeString("InResponseTo", content.InResponseTo);
            }

            writer.WriteEndElement();
            writer.WriteEndElement();
            writer.WriteEndElement(); // Subject

            writer.WriteStartElement(Saml, "Conditions", SamlNamespaces.Assertion);
            writer.WriteAttributeString("NotBefore", SamlProtocolValues.FormatInstant(now));
            writer.WriteAttributeString("NotOnOrAfter", notOnOrAfter);
            writer.WriteStartElement(Saml, "AudienceRestriction", SamlNamespaces.Assertion);
            writer.WriteElementString(Saml, "Audience", SamlNamespaces.Assertion, content.Audience);
            writer.WriteEndElement();
            writer.WriteEndElement();

            writer.WriteStartElement(Saml, "AuthnStatement", SamlNamespaces.Assertion);
            writer.WriteAttributeString("AuthnInstant", SamlProtocolValues.FormatInstant(content.AuthnInstant ?? now));
            writer.WriteAttributeString("SessionIndex", content.SessionIndex);
            writer.WriteStartElement(Saml, "AuthnContext", SamlNamespaces.Assertion);
            writer.WriteElementString(Saml, "AuthnContextClassRef", SamlNamespaces.Assertion, content.AuthnContextClassRef);
            writer.WriteEndElement();
            writer.WriteEndElement();

            if (content.Attributes.Count > 0)
            {
                writer.WriteStartElement(Saml, "AttributeStatement", SamlNamespaces.Assertion);
                foreach (var attribute in content.Attributes)
                {
                    WriteAttribute(writer, attribute);
                }

                writer.WriteEndElement();
            }

            writer.WriteEndElement(); // Assertion
        });
    }

    private static void WriteAttribute(XmlWriter writer, SamlAttributeValues attribute)
    {
        writer.WriteStartElement(Saml, "Attribute", SamlNamespaces.Assertion);
        writer.WriteAttributeString("Name", attribute.Name);
        writer.WriteAttributeString("NameFormat", SamlAttributeMap.UriNameFormat);
        foreach (var value in attribute.Values)
        {
            writer.WriteStartElement(Saml, "AttributeValue", SamlNamespaces.Assertion);
            writer.WriteAttributeString("type", XsiNamespace, "xs:string");
            writer.WriteString(value);
            writer.WriteEndElement();
        }

        writer.WriteEndElement();
    }

    // Signing works on a parsed document so that every namespace declaration is a real attribute,
    // exactly as the receiver will see it after parsing.
    private string SignRoot(string xml)
    {
        var document = SafeXml.Load(xml, SafeXmlLimits.ProtocolMessage);
        EnvelopedSigner.Sign(document.DocumentElement!, signingCertificate);
        return document.DocumentElement!.OuterXml;
    }

    private static string WriteXml(Action<XmlWriter> write)
    {
        var output = new StringBuilder();
        using (var writer = XmlWriter.Create(output, new XmlWriterSettings { OmitXmlDeclaration = true }))
        {
            write(writer);
        }

        return output.ToString();
    }

    // Core 1.3.4: IDs are xs:ID (an NCName) with at least 128 bits of randomness.

    // Core 1.3.3: UTC, no time zone offset.
}
