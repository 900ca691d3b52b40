using AaiProxy.Saml.Metadata;

namespace AaiProxy.Saml.Logout;

/// <summary>An IdP-initiated LogoutRequest that passed every check: the host may end the matching sessions.</summary>
/// <param name="RequestId">Its ID, for the LogoutResponse's <c>InResponseTo</c>.</param>
/// <param name="IdentityProvider">The verified issuer's metadata (its SLO URL receives the response).</param>
/// <param name="NameId">Whose sessions to end.</param>
/// <param name="SessionIndexes">Which sessions; empty means all of them for this NameID (Core 3.7.1).</param>
/// <param name="RelayState">To return unchanged with the LogoutResponse.</param>
public sealed record ValidatedLogoutRequest(
    string RequestId,
    IdentityProviderMetadata IdentityProvider,
    SamlNameId NameId,
    IReadOnlyList<string> SessionIndexes,
    string? RelayState);
