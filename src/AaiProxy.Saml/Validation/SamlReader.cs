using System.Xml;
using AaiProxy.Saml.Xml;

namespace AaiProxy.Saml.Validation;

/// <summary>Reads plain models from elements the caller already holds. Strict: a missing required
/// part or a duplicate singleton throws with the reason; it never searches the document.</summary>
internal static class SamlReader
{
    private const string EntityNameIdFormat = "urn:oasis:names:tc:SAML:2.0:nameid-format:entity";

    /// <summary>Core 3.2.2: ID, IssueInstant, optional Issuer, Destination, InResponseTo, required Status.</summary>
    public static ResponseHeader ReadResponseHeader(XmlElement response)
    {
        const SamlValidationError error = SamlValidationError.MalformedResponse;
        var id = RequiredAttribute(response, "ID", error);
        RequiredInstant(response, "IssueInstant", error);
        var issuer = ReadIssuer(response, error);
        var statusElement = SingleChild(response, SamlNamespaces.Protocol, "Status", error)
                            ?? throw new SamlValidationException(error, "The Response has no Status.");
        return new ResponseHeader(id, issuer, response.AttributeOrNull("Destination"),
            response.AttributeOrNull("InResponseTo"), ReadStatus(statusElement));
    }

    /// <summary>Core 3.2.2.1–3.2.2.3: StatusCode (with an optional nested second-level code) and StatusMessage.</summary>
    private static SamlStatus ReadStatus(XmlElement status)
    {
        const SamlValidationError error = SamlValidationError.MalformedResponse;
        var top = SingleChild(status, SamlNamespaces.Protocol, "StatusCode", error)
                  ?? throw new SamlValidationException(error, "The Status has no StatusCode.");
        var second = SingleChild(top, SamlNamespaces.Protocol, "StatusCode", error);
        var message = SingleChild(status, SamlNamespaces.Protocol, "StatusMessage", error)?.WholeText();
        return new SamlStatus(RequiredAttribute(top, "Value", error), second?.AttributeOrNull("Value"), message);
    }

    /// <summary>Core 2.2.5 Issuer; Profiles 4.1.4.2: its Format, if any, is the entity format.</summary>
    public static string? ReadIssuer(XmlElement parent, SamlValidationError malformed)
    {
        var issuer = SingleChild(parent, SamlNamespaces.Assertion, "Issuer", malformed);
        if (issuer is null)
        {
            return null;
        }

        var format = issuer.AttributeOrNull("Format");
        if (format is not null && format != EntityNameIdFormat)
        {
            throw new SamlValidationException(SamlValidationError.IssuerFormatInvalid,
                $"The Issuer has Format '{format}'; only the entity format is accepted.");
        }

        var value = issuer.WholeText();
        return string.IsNullOrEmpty(value)
            ? throw new SamlValidationException(malformed, "The Issuer is empty.")
            : value;
    }

    /// <summary>Core 2.3.3: reads the assertion from the element that was verified (or is covered by a
    /// verified Response signature). Reads only that element's own subtree.</summary>
    public static Assertion ReadAssertion(XmlElement assertion)
    {
        const SamlValidationError error = SamlValidationError.MalformedAssertion;
        if (assertion.AttributeOrNull("Version") != "2.0")
        {
            throw new SamlValidationException(SamlValidationError.UnsupportedVersion, "The Assertion is not version 2.0.");
        }

        var id = RequiredAttribute(assertion, "ID", error);
        var issueInstant = RequiredInstant(assertion, "IssueInstant", error);
        var issuer = ReadIssuer(assertion, error)
                     ?? throw new SamlValidationException(SamlValidationError.IssuerMissing, "The Assertion has no Issuer.");

        NameIdentifier? nameId = null;
        var confirmations = new List<SubjectConfirmation>();
        var subject = SingleChild(assertion, SamlNamespaces.Assertion, "Subject", error);
        if (subject is not null)
        {
            if (subject.ChildElements(SamlNamespaces.Assertion, "EncryptedID").Any())
            {
                throw new SamlValidationException(error, "An encrypted NameID in the Subject is not supported.");
            }

            var nameIdElement = SingleChild(subject, SamlNamespaces.Assertion, "NameID", error);
            nameId = nameIdElement is null ? null : ReadNameId(nameIdElement, error);
            confirmations.AddRange(subject.ChildElements(SamlNamespaces.Assertion, "SubjectConfirmation")
                .Select(ReadSubjectConfirmation));
        }

        var conditions = SingleChild(assertion, SamlNamespaces.Assertion, "Conditions", error);
        return new Assertion(
            id,
            issuer,
            issueInstant,
            nameId,
            confirmations,
            conditions is null ? null : ReadConditions(conditions),
            assertion.ChildElements(SamlNamespaces.Assertion, "AuthnStatement").Select(ReadAuthnStatement).ToList(),
            assertion.ChildElements(SamlNamespaces.Assertion, "AttributeStatement")
                .SelectMany(statement => statement.ChildElements(SamlNamespaces.Assertion, "Attribute"))
                .Select(ReadAttribute)
                .ToList());
    }

    private static NameIdentifier ReadNameId(XmlElement nameId, SamlValidationError error)
    {
        var value = nameId.WholeText();
        if (string.IsNullOrEmpty(value))
        {
            throw new SamlValidationException(error, "A NameID has no text value.");
        }

        return new NameIdentifier(value, nameId.AttributeOrNull("Format"), nameId.AttributeOrNull("NameQualifier"),
            nameId.AttributeOrNull("SPNameQualifier"));
    }

    private static SubjectConfirmation ReadSubjectConfirmation(XmlElement confirmation)
    {
        const SamlValidationError error = SamlValidationError.MalformedAssertion;
        var method = RequiredAttribute(confirmation, "Method", error);
        var data = SingleChild(confirmation, SamlNamespaces.Assertion, "SubjectConfirmationData", error);
        return new SubjectConfirmation(method, data is null
            ? null
            : new SubjectConfirmationData(
                data.AttributeOrNull("Recipient"),
                OptionalInstant(data, "NotBefore", error),
                OptionalInstant(data, "NotOnOrAfter", error),
                data.AttributeOrNull("InResponseTo")));
    }

    private static Conditions ReadConditions(XmlElement conditions)
    {
        const SamlValidationError error = SamlValidationError.MalformedAssertion;
        var audiences = new List<IReadOnlyList<string>>();
        var unsupported = new List<string>();
        foreach (var condition in conditions.ChildElements())
        {
            if (condition.Is(SamlNamespaces.Assertion, "AudienceRestriction"))
            {
                audiences.Add(condition.ChildElements(SamlNamespaces.Assertion, "Audience")
                    .Select(audience => audience.WholeText() ?? "")
                    .ToList());
            }
            else if (!condition.Is(SamlNamespaces.Assertion, "OneTimeUse") && !condition.Is(SamlNamespaces.Assertion, "ProxyRestriction"))
            {
                // OneTimeUse is honoured by the replay cache; ProxyRestriction limits what we may
                // issue from the assertion, and we issue no SAML assertions from it.
                unsupported.Add(condition.Name);
            }
        }

        return new Conditions(OptionalInstant(conditions, "NotBefore", error),
            OptionalInstant(conditions, "NotOnOrAfter", error), audiences, unsupported);
    }

    private static AuthnStatement ReadAuthnStatement(XmlElement statement)
    {
        const SamlValidationError error = SamlValidationError.MalformedAssertion;
        var classRef = SingleChild(statement, SamlNamespaces.Assertion, "AuthnContext", error) is { } context
            ? SingleChild(context, SamlNamespaces.Assertion, "AuthnContextClassRef", error)?.WholeText()
            : null;
        return new AuthnStatement(RequiredInstant(statement, "AuthnInstant", error),
            statement.AttributeOrNull("SessionIndex"), classRef);
    }

    private static SamlAttribute ReadAttribute(XmlElement attribute)
    {
        const SamlValidationError error = SamlValidationError.MalformedAssertion;
        var values = new List<SamlAttributeValue>();
        foreach (var value in attribute.ChildElements(SamlNamespaces.Assertion, "AttributeValue"))
        {
            var nameId = SingleChild(value, SamlNamespaces.Assertion, "NameID", error);
            values.Add(nameId is not null
                ? new SamlAttributeValue(null, ReadNameId(nameId, error))
                : new SamlAttributeValue(value.WholeText(), null));
        }

        return new SamlAttribute(RequiredAttribute(attribute, "Name", error), attribute.AttributeOrNull("NameFormat"), values);
    }

    private static XmlElement? SingleChild(XmlElement parent, string namespaceUri, string localName, SamlValidationError error)
    {
        XmlElement? found = null;
        foreach (var child in parent.ChildElements(namespaceUri, localName))
        {
            if (found is not null)
            {
                throw new SamlValidationException(error, $"{parent.LocalName} has more than one {localName}.");
            }

            found = child;
        }

        return found;
    }

    private static string RequiredAttribute(XmlElement element, string name, SamlValidationError error)
    {
        var value = element.AttributeOrNull(name);
        return string.IsNullOrEmpty(value)
            ? throw new SamlValidationException(error, $"{element.LocalName} has no {name}.")
            : value;
    }

    private static DateTimeOffset RequiredInstant(XmlElement element, string name, SamlValidationError error) =>
        OptionalInstant(element, name, error)
        ?? throw new SamlValidationException(error, $"{element.LocalName} has no {name}.");

    /// <summary>Core 1.3.3: xs:dateTime in UTC, without a time zone other than "Z".</summary>
    private static DateTimeOffset? OptionalInstant(XmlElement element, string name, SamlValidationError error)
    {
        var text = element.AttributeOrNull(name);
        if (text is null)
        {
            return null;
        }

        return SamlProtocolValues.TryParseInstant(text, out var instant)
            ? instant
            : throw new SamlValidationException(error, $"{element.LocalName}/@{name} is not a UTC xs:dateTime.");
    }
}
