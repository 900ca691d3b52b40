using System.Xml;
using AaiProxy.Saml.Bindings;
using AaiProxy.Saml.Metadata;

namespace AaiProxy.Saml.Logout;

/// <summary>
/// Validates the IdP's LogoutResponse to our LogoutRequest, received by HTTP-Redirect
/// (Profiles 4.4.4.2): from the IdP we asked, signed with its metadata keys, answering our request.
/// </summary>
public sealed class LogoutResponseValidator(ServiceProviderSettings settings, IIdentityProviderMetadataProvider identityProviders,
    TimeProvider timeProvider, LogoutValidationOptions? options = null)
{
    private readonly SignedRedirectMessageAuthenticator _authenticator =
        new(settings, identityProviders, timeProvider, options ?? LogoutValidationOptions.Default);

    /// <param name="message">The decoded redirect message.</param>
    /// <param name="expectedInResponseTo">The ID of the LogoutRequest this browser sent.</param>
    /// <param name="expectedIssuer">The entity ID of the IdP that request went to.</param>
    /// <exception cref="SamlLogoutException">The response is refused; <see cref="SamlLogoutException.Error"/> says why.</exception>
    public async ValueTask<ValidatedLogoutResponse> ValidateAsync(HttpRedirectMessage message, string expectedInResponseTo,
        string expectedIssuer, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(expectedInResponseTo);
        ArgumentException.ThrowIfNullOrEmpty(expectedIssuer);
        var verified = await _authenticator.AuthenticateAsync(message, SamlMessageKind.Response, "LogoutResponse",
            expectedIssuer, cancellationToken).ConfigureAwait(false);
        var root = verified.Root;

        // Core 3.2.2: InResponseTo ties the answer to our request; a missing one is a mismatch too.
        var inResponseTo = root.GetAttribute("InResponseTo");
        if (inResponseTo != expectedInResponseTo)
        {
            throw new SamlLogoutException(SamlLogoutError.InResponseToMismatch,
                $"The LogoutResponse answers '{inResponseTo}', not our request '{expectedInResponseTo}'.");
        }

        var status = Single(root, SamlNamespaces.Protocol, "Status");
        var statusCode = Single(status, SamlNamespaces.Protocol, "StatusCode");
        var secondLevel = SignedRedirectMessageAuthenticator.Children(statusCode, SamlNamespaces.Protocol, "StatusCode").FirstOrDefault();
        var statusMessage = SignedRedirectMessageAuthenticator.Children(status, SamlNamespaces.Protocol, "StatusMessage").FirstOrDefault();
        var topLevel = statusCode.GetAttribute("Value");
        if (topLevel.Length == 0)
        {
            throw new SamlLogoutException(SamlLogoutError.MalformedMessage, "The LogoutResponse's StatusCode has no Value.");
        }

        return new ValidatedLogoutResponse(
            inResponseTo,
            verified.IdentityProvider,
            topLevel,
            secondLevel?.GetAttribute("Value") is { Length: > 0 } code ? code : null,
            statusMessage is null ? null : SignedRedirectMessageAuthenticator.TextOf(statusMessage),
            message.RelayState);
    }

    private static XmlElement Single(XmlElement parent, string namespaceUri, string localName)
    {
        var children = SignedRedirectMessageAuthenticator.Children(parent, namespaceUri, localName);
        return children.Count == 1
            ? children[0]
            : throw new SamlLogoutException(SamlLogoutError.MalformedMessage, $"The LogoutResponse must have exactly one {localName}.");
    }
}
