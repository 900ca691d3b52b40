using System.Xml.Linq;
using AaiProxy.Saml.Bindings;
using AaiProxy.Saml.Metadata;
using AaiProxy.Saml.Requests;

namespace AaiProxy.Saml.Logout;

/// <summary>
/// Writes our LogoutRequest when a person signs out of the proxy (Profiles 4.4.3.1, Core 3.7.1),
/// always signed, sent by HTTP-Redirect to the IdP's SingleLogoutService.
/// </summary>
/// <param name="validity">How long the request stays valid (<c>NotOnOrAfter</c>); 5 minutes by default.</param>
public sealed class LogoutRequestWriter(ServiceProviderSettings settings, TimeProvider timeProvider, TimeSpan? validity = null)
{
    private static readonly XNamespace Samlp = SamlNamespaces.Protocol;
    private static readonly XNamespace Saml = SamlNamespaces.Assertion;

    private readonly TimeSpan _validity = validity ?? TimeSpan.FromMinutes(5);

    /// <param name="identityProvider">The IdP of the session; it must have a SingleLogoutService (HTTP-Redirect).</param>
    /// <param name="nameId">The NameID from the login, with its qualifiers as received.</param>
    /// <param name="sessionIndexes">The <c>SessionIndex</c> values from the login's AuthnStatement.</param>
    /// <param name="relayState">Returned with the LogoutResponse (at most 80 bytes).</param>
    /// <exception cref="InvalidOperationException">The IdP has no HTTP-Redirect SingleLogoutService.</exception>
    public OutgoingRedirect Write(IdentityProviderMetadata identityProvider, SamlNameId nameId,
        IReadOnlyList<string> sessionIndexes, string? relayState)
    {
        ArgumentNullException.ThrowIfNull(identityProvider);
        ArgumentNullException.ThrowIfNull(nameId);
        ArgumentNullException.ThrowIfNull(sessionIndexes);
        var destination = identityProvider.SingleLogoutServiceRedirectUrl
            ?? throw new InvalidOperationException($"The identity provider '{identityProvider.EntityId}' has no HTTP-Redirect SingleLogoutService.");

        var id = SamlProtocolValues.NewId();
        var issueInstant = timeProvider.GetUtcNow();
        var request = new XElement(Samlp + "LogoutRequest",
            new XAttribute(XNamespace.Xmlns + "samlp", Samlp),
            new XAttribute(XNamespace.Xmlns + "saml", Saml),
            new XAttribute("ID", id),
            new XAttribute("Version", SamlProtocolValues.Version),
            new XAttribute("IssueInstant", SamlProtocolValues.FormatInstant(issueInstant)),
            new XAttribute("Destination", destination.AbsoluteUri),
            new XAttribute("NotOnOrAfter", SamlProtocolValues.FormatInstant(issueInstant + _validity)),
            new XElement(Saml + "Issuer", settings.EntityId),
            new XElement(Saml + "NameID",
                nameId.NameQualifier is null ? null : new XAttribute("NameQualifier", nameId.NameQualifier),
                nameId.SpNameQualifier is null ? null : new XAttribute("SPNameQualifier", nameId.SpNameQualifier),
                nameId.Format is null ? null : new XAttribute("Format", nameId.Format),
                nameId.Value),
            sessionIndexes.Select(index => new XElement(Samlp + "SessionIndex", index)));

        var url = HttpRedirectBinding.Encode(destination, SamlMessageKind.Request,
            request.ToString(SaveOptions.DisableFormatting), relayState, settings.SigningCertificate);
        return new OutgoingRedirect(id, issueInstant, url);
    }
}
