namespace AaiProxy.Saml.Validation;

/// <summary>
/// A validated login in SAML's own terms: which IdP vouched for the person, how and when they
/// authenticated, the attributes it released (scoped values already checked against its
/// <c>shibmd:Scope</c>s) and what Single Logout needs later. Only <see cref="SamlResponseValidator"/>
/// creates one; turning it into the proxy's internal identity is an adapter's business.
/// </summary>
public sealed record SamlLoginResult(
    string IdentityProvider,
    SamlAuthentication Authentication,
    IReadOnlyList<SamlReleasedAttribute> Attributes,
    SamlSessionReference Session)
{
    /// <summary>Scoped attribute values refused because their scope is not one of the IdP's
    /// <c>shibmd:Scope</c>s. Not part of <see cref="Attributes"/>; the host logs them.</summary>
    public IReadOnlyList<DroppedAttributeValue> DroppedValues { get; init; } = [];

    /// <summary>Every accepted value of the attribute named <paramref name="attributeName"/> (its SAML name), or none.</summary>
    public IReadOnlyList<string> Values(string attributeName) =>
        Attributes.FirstOrDefault(attribute => attribute.Name == attributeName)?.Values ?? [];

    public string? FirstValue(string attributeName) => Values(attributeName) is [var first, ..] ? first : null;
}

/// <summary>Core 2.7.2: when the IdP authenticated the person, and with which context class.</summary>
public sealed record SamlAuthentication(DateTimeOffset AuthnInstant, string? ContextClassRef);

/// <summary>One attribute as released (Core 2.7.3.1), by its SAML name; values in document order, without
/// duplicates. A NameID-valued attribute (eduPersonTargetedID) is given in its traditional <c>IdP!SP!value</c> form.</summary>
public sealed record SamlReleasedAttribute(string Name, IReadOnlyList<string> Values);

/// <summary>The IdP session this login belongs to (Core 3.7.1: a LogoutRequest names the NameID and SessionIndex).</summary>
public sealed record SamlSessionReference(
    string IdentityProviderEntityId,
    string NameId,
    string? NameIdFormat,
    string? NameQualifier,
    string? SpNameQualifier,
    string? SessionIndex);

/// <param name="AttributeName">The SAML attribute name (urn:oid:…).</param>
/// <param name="Value">The refused value.</param>
/// <param name="Reason">Why, for the log.</param>
public sealed record DroppedAttributeValue(string AttributeName, string Value, string Reason);

/// <summary>
/// What this one response must answer, known only to the caller (Profiles 4.1.4.3): the request this
/// browser has outstanding, the IdP it was sent to, and the authentication context classes it demanded.
/// </summary>
/// <param name="InResponseTo">The ID of the AuthnRequest outstanding for this browser; null: none (only an
/// unsolicited response can then be accepted, from an IdP allowed to send one).</param>
/// <param name="IdentityProvider">The entity ID the request was sent to: a response issued by any other IdP
/// is refused, even one we trust.</param>
/// <param name="RequestedContexts">The classes of an exact <c>RequestedAuthnContext</c> (Core 3.3.2.2.1):
/// the assertion's <c>AuthnContextClassRef</c> must be one of them. Empty: any.</param>
public sealed record SamlResponseExpectations(string? InResponseTo, string? IdentityProvider, IReadOnlyList<string> RequestedContexts)
{
    /// <summary>No request outstanding: an IdP-initiated (unsolicited) response.</summary>
    public static SamlResponseExpectations Unsolicited { get; } = new(null, null, []);
}
