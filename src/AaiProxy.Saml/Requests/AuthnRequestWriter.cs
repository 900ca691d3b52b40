using System.Xml.Linq;
using AaiProxy.Saml.Bindings;
using AaiProxy.Saml.Metadata;

namespace AaiProxy.Saml.Requests;

/// <summary>Writes AuthnRequests (Core 3.4.1) and sends them by HTTP-Redirect (Profiles 4.1.3.3).</summary>
/// <param name="settings">Who we are.</param>
/// <param name="timeProvider">The clock for <c>IssueInstant</c>.</param>
/// <param name="signRequests">Sign the query with our signing key; must match <c>AuthnRequestsSigned</c> in our metadata.</param>
public sealed class AuthnRequestWriter(ServiceProviderSettings settings, TimeProvider timeProvider, bool signRequests = true)
{
    private const string HttpPostBindingUri = "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST";

    private static readonly XNamespace Samlp = SamlNamespaces.Protocol;
    private static readonly XNamespace Saml = SamlNamespaces.Assertion;

    public OutgoingRedirect Write(IdentityProviderMetadata identityProvider, AuthnRequestOptions options)
    {
        ArgumentNullException.ThrowIfNull(identityProvider);
        ArgumentNullException.ThrowIfNull(options);

        var id = SamlProtocolValues.NewId();
        var issueInstant = timeProvider.GetUtcNow();
        var request = new XElement(Samlp + "AuthnRequest",
            new XAttribute(XNamespace.Xmlns + "samlp", Samlp),
            new XAttribute(XNamespace.Xmlns + "saml", Saml),
            new XAttribute("ID", id),
            new XAttribute("Version", SamlProtocolValues.Version),
            new XAttribute("IssueInstant", SamlProtocolValues.FormatInstant(issueInstant)),
            new XAttribute("Destination", identityProvider.SingleSignOnServiceRedirectUrl.AbsoluteUri),
            new XAttribute("AssertionConsumerServiceURL", settings.AssertionConsumerServiceUrl.AbsoluteUri),
            new XAttribute("ProtocolBinding", HttpPostBindingUri),
            options.ForceAuthn ? new XAttribute("ForceAuthn", "true") : null,
            new XElement(Saml + "Issuer", settings.EntityId),
            new XElement(Samlp + "NameIDPolicy",
                options.NameIdFormat is null ? null : new XAttribute("Format", options.NameIdFormat),
                new XAttribute("AllowCreate", "true")),
            WriteRequestedAuthnContext(options.RequestedAuthnContext));

        var url = HttpRedirectBinding.Encode(identityProvider.SingleSignOnServiceRedirectUrl, SamlMessageKind.Request,
            request.ToString(SaveOptions.DisableFormatting), options.RelayState,
            signRequests ? settings.SigningCertificate : null);
        return new OutgoingRedirect(id, issueInstant, url);
    }

    private static XElement? WriteRequestedAuthnContext(RequestedAuthnContext? context)
    {
        if (context is null)
        {
            return null;
        }

        if (context.ClassReferences.Count == 0)
        {
            throw new ArgumentException("A RequestedAuthnContext needs at least one AuthnContextClassRef.", nameof(context));
        }

        return new XElement(Samlp + "RequestedAuthnContext",
            new XAttribute("Comparison", context.Comparison switch
            {
                AuthnContextComparison.Exact => "exact",
                AuthnContextComparison.Minimum => "minimum",
                _ => throw new ArgumentOutOfRangeException(nameof(context), context.Comparison, null),
            }),
            context.ClassReferences.Select(reference => new XElement(Saml + "AuthnContextClassRef", reference)));
    }
}
