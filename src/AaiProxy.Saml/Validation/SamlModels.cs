namespace AaiProxy.Saml.Validation;

// Plain models read from XML by SamlReader. Nothing here is trusted until SamlResponseValidator has
// checked it; only a ValidatedAssertion may be mapped to an identity.

/// <summary>What the Response element itself says (Core 3.2.2), read from the root element.</summary>
internal sealed record ResponseHeader(
    string Id, string? Issuer, string? Destination, string? InResponseTo, SamlStatus Status);

/// <summary>Core 3.2.2.1–3.2.2.3.</summary>
internal sealed record SamlStatus(string Code, string? SecondLevelCode, string? Message)
{
    public bool IsSuccess => Code == SamlStatusCodes.Success;
}

/// <summary>Core 2.2.3 NameIDType.</summary>
internal sealed record NameIdentifier(string Value, string? Format, string? NameQualifier, string? SpNameQualifier);

/// <summary>Core 2.4.1.1 and 2.4.1.2.</summary>
internal sealed record SubjectConfirmation(string Method, SubjectConfirmationData? Data);

internal sealed record SubjectConfirmationData(
    string? Recipient, DateTimeOffset? NotBefore, DateTimeOffset? NotOnOrAfter, string? InResponseTo);

/// <summary>Core 2.5.1: time window, audience restrictions (each a list of acceptable audiences), and
/// the names of any condition we do not understand (which makes the assertion invalid, Core 2.5.1.5).</summary>
internal sealed record Conditions(
    DateTimeOffset? NotBefore,
    DateTimeOffset? NotOnOrAfter,
    IReadOnlyList<IReadOnlyList<string>> AudienceRestrictions,
    IReadOnlyList<string> UnsupportedConditions);

/// <summary>Core 2.7.2.</summary>
internal sealed record AuthnStatement(DateTimeOffset AuthnInstant, string? SessionIndex, string? AuthnContextClassRef);

/// <summary>Core 2.7.3.1; a value is either text or (eduPersonTargetedID) a NameID.</summary>
internal sealed record SamlAttribute(string Name, string? NameFormat, IReadOnlyList<SamlAttributeValue> Values);

internal sealed record SamlAttributeValue(string? Text, NameIdentifier? NameId);

/// <summary>Core 2.3.3.</summary>
internal sealed record Assertion(
    string Id,
    string Issuer,
    DateTimeOffset IssueInstant,
    NameIdentifier? NameId,
    IReadOnlyList<SubjectConfirmation> SubjectConfirmations,
    Conditions? Conditions,
    IReadOnlyList<AuthnStatement> AuthnStatements,
    IReadOnlyList<SamlAttribute> Attributes);

/// <summary>An assertion that passed every rule, read from the element whose signature was verified.
/// Only the validator creates one; only this can become an <c>UpstreamIdentity</c>.</summary>
internal sealed class ValidatedAssertion
{
    internal ValidatedAssertion(Assertion assertion) => Value = assertion;

    public Assertion Value { get; }
}
