using AaiProxy.Saml.Metadata;

namespace AaiProxy.Saml.Logout;

/// <summary>The IdP's verified answer to our LogoutRequest.</summary>
/// <param name="InResponseTo">The ID of our request.</param>
/// <param name="StatusCode">Top-level status (Core 3.2.2.2).</param>
/// <param name="SecondLevelStatusCode">E.g. <see cref="SamlStatusCodes.PartialLogout"/>, if given.</param>
/// <param name="StatusMessage">The IdP's explanation, for people, if given.</param>
/// <param name="RelayState">The RelayState we sent, returned.</param>
public sealed record ValidatedLogoutResponse(
    string InResponseTo,
    IdentityProviderMetadata IdentityProvider,
    string StatusCode,
    string? SecondLevelStatusCode,
    string? StatusMessage,
    string? RelayState)
{
    /// <summary>The IdP ended the session (and no partial logout was reported).</summary>
    public bool IsSuccess => StatusCode == SamlStatusCodes.Success && SecondLevelStatusCode != SamlStatusCodes.PartialLogout;
}
