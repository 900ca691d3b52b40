using AaiProxy.Identity;

namespace AaiProxy.Saml.Validation;

/// <summary>A validated login: who the person is, and what Single Logout needs later.</summary>
public sealed record SamlLoginResult(UpstreamIdentity Identity, SamlSessionReference Session)
{
    /// <summary>Scoped attribute values refused because their scope is not one of the IdP's
    /// <c>shibmd:Scope</c>s. Not part of <see cref="Identity"/>; the host logs them.</summary>
    public IReadOnlyList<DroppedAttributeValue> DroppedValues { get; init; } = [];
}

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
