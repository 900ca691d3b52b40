using System.Xml;
using AaiProxy.Saml.Bindings;
using AaiProxy.Saml.Metadata;
using AaiProxy.Saml.Xml;

namespace AaiProxy.Saml.Logout;

/// <summary>A logout message whose query signature verified with its issuer's metadata keys.</summary>
/// <param name="Root">The verified message element; callers read only from it.</param>
internal sealed record AuthenticatedRedirectMessage(XmlElement Root, IdentityProviderMetadata IdentityProvider, string Id);

/// <summary>
/// The checks every incoming logout message passes, in order of trust: the right element, a
/// signature present, an issuer we know, the signature verified with that issuer's metadata keys
/// only, and then its ID, version, destination and age. Nothing else is read before verification.
/// </summary>
internal sealed class SignedRedirectMessageAuthenticator(
    ServiceProviderSettings settings,
    IIdentityProviderMetadataProvider identityProviders,
    TimeProvider timeProvider,
    LogoutValidationOptions options)
{
    private const string EntityNameFormat = "urn:oasis:names:tc:SAML:2.0:nameid-format:entity";

    public async ValueTask<AuthenticatedRedirectMessage> AuthenticateAsync(HttpRedirectMessage message,
        SamlMessageKind expectedKind, string expectedElement, string? expectedIssuer, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        var root = message.Document.DocumentElement!;
        if (message.Kind != expectedKind || root.LocalName != expectedElement || root.NamespaceURI != SamlNamespaces.Protocol)
        {
            throw new SamlLogoutException(SamlLogoutError.UnexpectedMessage,
                $"Expected a samlp:{expectedElement}, got {root.NamespaceURI}:{root.LocalName}.");
        }

        // Bindings 3.4.4.1 / Profiles 4.4.3.x: logout messages must be authenticated; over the
        // redirect binding only the query signature can do that.
        if (!message.IsSigned)
        {
            throw new SamlLogoutException(SamlLogoutError.Unsigned, $"The {expectedElement} is not signed.");
        }

        var issuer = ReadIssuer(root);
        if (expectedIssuer is not null && issuer != expectedIssuer)
        {
            throw new SamlLogoutException(SamlLogoutError.WrongIssuer,
                $"The {expectedElement} comes from '{issuer}', not from '{expectedIssuer}'.");
        }

        var identityProvider = await identityProviders.FindAsync(issuer, cancellationToken).ConfigureAwait(false)
            ?? throw new SamlLogoutException(SamlLogoutError.UnknownIssuer, $"The issuer '{issuer}' is not a known identity provider.");
        try
        {
            // One policy per IdP for login and logout: SHA-1 only where the operator allowed it.
            message.VerifySignature(identityProvider.SigningCertificates, options.PolicyFor(identityProvider.EntityId).AllowSha1);
        }
        catch (SamlBindingException ex)
        {
            throw new SamlLogoutException(SamlLogoutError.InvalidSignature,
                $"The {expectedElement} signature is not valid for '{issuer}': {ex.Message}", ex);
        }

        if (root.GetAttribute("Version") != SamlProtocolValues.Version)
        {
            throw new SamlLogoutException(SamlLogoutError.UnexpectedMessage, "Only SAML 2.0 messages are accepted.");
        }

        var id = root.GetAttribute("ID");
        if (id.Length == 0)
        {
            throw new SamlLogoutException(SamlLogoutError.MalformedMessage, $"The {expectedElement} has no ID.");
        }

        // Bindings 3.4.5.2: a signed message must name its Destination, and it must be us.
        if (root.GetAttribute("Destination") != settings.SingleLogoutServiceUrl.AbsoluteUri)
        {
            throw new SamlLogoutException(SamlLogoutError.WrongDestination,
                $"The {expectedElement} is addressed to '{root.GetAttribute("Destination")}', not to our Single Logout endpoint.");
        }

        CheckIssueInstant(root, expectedElement);
        return new AuthenticatedRedirectMessage(root, identityProvider, id);
    }

    /// <summary>Reads a time attribute of the verified message; null when absent.</summary>
    public static DateTimeOffset? ReadInstant(XmlElement element, string attribute)
    {
        if (!element.HasAttribute(attribute))
        {
            return null;
        }

        return SamlProtocolValues.TryParseInstant(element.GetAttribute(attribute), out var instant)
            ? instant
            : throw new SamlLogoutException(SamlLogoutError.MalformedMessage, $"{attribute} is not a UTC xs:dateTime.");
    }

    /// <summary>Direct children with the given name; SAML schemas never allow them deeper.</summary>
    public static List<XmlElement> Children(XmlElement parent, string namespaceUri, string localName) =>
        [.. parent.ChildElements(namespaceUri, localName)];

    /// <summary>Text of a simple element read whole: a comment inside it must not truncate it.</summary>
    public static string TextOf(XmlElement element) =>
        element.WholeText()
        ?? throw new SamlLogoutException(SamlLogoutError.MalformedMessage, $"{element.LocalName} must contain only text.");

    private static string ReadIssuer(XmlElement root)
    {
        // Core 3.2.1 / Profiles 4.4.4.1: exactly one Issuer, an entity name.
        var issuers = Children(root, SamlNamespaces.Assertion, "Issuer");
        if (issuers.Count != 1)
        {
            throw new SamlLogoutException(SamlLogoutError.MissingIssuer, "The message must have exactly one Issuer.");
        }

        var format = issuers[0].GetAttribute("Format");
        var issuer = TextOf(issuers[0]);
        if ((format.Length != 0 && format != EntityNameFormat) || issuer.Length == 0)
        {
            throw new SamlLogoutException(SamlLogoutError.MissingIssuer, "The Issuer must be an entity ID.");
        }

        return issuer;
    }

    private void CheckIssueInstant(XmlElement root, string element)
    {
        var issued = ReadInstant(root, "IssueInstant")
            ?? throw new SamlLogoutException(SamlLogoutError.MalformedMessage, $"The {element} has no IssueInstant.");
        var now = timeProvider.GetUtcNow();
        if (issued > now + options.ClockSkew)
        {
            throw new SamlLogoutException(SamlLogoutError.IssuedInTheFuture, $"The {element} was issued in the future ({issued:O}).");
        }

        if (issued + options.MaxMessageAge + options.ClockSkew < now)
        {
            throw new SamlLogoutException(SamlLogoutError.Expired, $"The {element} was issued too long ago ({issued:O}).");
        }
    }
}
