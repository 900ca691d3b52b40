using System.Xml;
using AaiProxy.Saml.Bindings;
using AaiProxy.Saml.Metadata;

namespace AaiProxy.Saml.Logout;

/// <summary>
/// Validates an IdP-initiated LogoutRequest received by HTTP-Redirect (Profiles 4.4.4.1): signed
/// with the issuer's metadata keys, addressed to us, current; then reads whose sessions to end.
/// </summary>
public sealed class LogoutRequestValidator(ServiceProviderSettings settings, IIdentityProviderMetadataProvider identityProviders,
    TimeProvider timeProvider, LogoutValidationOptions? options = null)
{
    private readonly LogoutValidationOptions _options = options ?? LogoutValidationOptions.Default;
    private readonly SignedRedirectMessageAuthenticator _authenticator =
        new(settings, identityProviders, timeProvider, options ?? LogoutValidationOptions.Default);

    /// <exception cref="SamlLogoutException">The request is refused; <see cref="SamlLogoutException.Error"/> says why.</exception>
    public async ValueTask<ValidatedLogoutRequest> ValidateAsync(HttpRedirectMessage message, CancellationToken cancellationToken = default)
    {
        var verified = await _authenticator.AuthenticateAsync(message, SamlMessageKind.Request, "LogoutRequest",
            expectedIssuer: null, cancellationToken).ConfigureAwait(false);
        var root = verified.Root;

        // Core 3.7.1: the request stops being valid at NotOnOrAfter.
        var notOnOrAfter = SignedRedirectMessageAuthenticator.ReadInstant(root, "NotOnOrAfter");
        if (notOnOrAfter is not null && timeProvider.GetUtcNow() >= notOnOrAfter + _options.ClockSkew)
        {
            throw new SamlLogoutException(SamlLogoutError.Expired, $"The LogoutRequest expired at {notOnOrAfter:O}.");
        }

        return new ValidatedLogoutRequest(
            verified.Id,
            verified.IdentityProvider,
            ReadNameId(root),
            SignedRedirectMessageAuthenticator.Children(root, SamlNamespaces.Protocol, "SessionIndex")
                .Select(SignedRedirectMessageAuthenticator.TextOf)
                .ToList(),
            message.RelayState);
    }

    private static SamlNameId ReadNameId(XmlElement root)
    {
        if (SignedRedirectMessageAuthenticator.Children(root, SamlNamespaces.Assertion, "EncryptedID").Count != 0
            || SignedRedirectMessageAuthenticator.Children(root, SamlNamespaces.Assertion, "BaseID").Count != 0)
        {
            throw new SamlLogoutException(SamlLogoutError.UnsupportedIdentifier,
                "Only a plain NameID can identify the person in a LogoutRequest to this service.");
        }

        var nameIds = SignedRedirectMessageAuthenticator.Children(root, SamlNamespaces.Assertion, "NameID");
        if (nameIds.Count != 1)
        {
            throw new SamlLogoutException(SamlLogoutError.MalformedMessage, "The LogoutRequest must have exactly one NameID.");
        }

        var nameId = nameIds[0];
        var value = SignedRedirectMessageAuthenticator.TextOf(nameId);
        if (value.Length == 0)
        {
            throw new SamlLogoutException(SamlLogoutError.MalformedMessage, "The LogoutRequest's NameID is empty.");
        }

        return new SamlNameId(value, OptionalAttribute(nameId, "Format"), OptionalAttribute(nameId, "NameQualifier"),
            OptionalAttribute(nameId, "SPNameQualifier"));
    }

    private static string? OptionalAttribute(XmlElement element, string name) =>
        element.HasAttribute(name) ? element.GetAttribute(name) : null;
}
