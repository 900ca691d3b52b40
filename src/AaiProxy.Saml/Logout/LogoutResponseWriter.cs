using System.Security.Cryptography.X509Certificates;
using System.Xml.Linq;
using AaiProxy.Saml.Bindings;

namespace AaiProxy.Saml.Logout;

/// <summary>
/// Writes our LogoutResponse to an IdP-initiated LogoutRequest (Profiles 4.4.3.4, Core 3.7.2),
/// signed, sent by HTTP-Redirect to the IdP's SingleLogoutService.
/// </summary>
public sealed class LogoutResponseWriter(ServiceProviderSettings settings, TimeProvider timeProvider)
{
    private static readonly XNamespace Samlp = SamlNamespaces.Protocol;
    private static readonly XNamespace Saml = SamlNamespaces.Assertion;

    /// <summary>Answers a validated request; its RelayState is returned unchanged.</summary>
    /// <param name="request">The request being answered.</param>
    /// <param name="statusCode">Top-level status, <see cref="SamlStatusCodes.Success"/> when the sessions ended.</param>
    /// <param name="secondLevelStatusCode">E.g. <see cref="SamlStatusCodes.PartialLogout"/>, or null.</param>
    /// <returns>The URL to redirect the browser to.</returns>
    /// <exception cref="InvalidOperationException">The IdP has no HTTP-Redirect SingleLogoutService.</exception>
    public string Write(ValidatedLogoutRequest request, string statusCode, string? secondLevelStatusCode = null)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentException.ThrowIfNullOrEmpty(statusCode);
        var identityProvider = request.IdentityProvider;
        var destination = identityProvider.SingleLogoutServiceRedirectUrl
            ?? throw new InvalidOperationException($"The identity provider '{identityProvider.EntityId}' has no HTTP-Redirect SingleLogoutService.");

        return EncodeRedirect(settings.EntityId, destination, request.RequestId, statusCode, secondLevelStatusCode,
            request.RelayState, settings.SigningCertificate, timeProvider.GetUtcNow());
    }

    /// <summary>
    /// A LogoutResponse (Core 3.7.2) encoded for HTTP-Redirect, from whichever side answers: our answer
    /// to an IdP above, or an IdP's answer to us (the demo IdP).
    /// </summary>
    /// <param name="signingCertificate">Signs the query (Bindings 3.4.4.1); null sends it unsigned.</param>
    /// <returns>The URL to redirect the browser to.</returns>
    public static string EncodeRedirect(string issuer, Uri destination, string inResponseTo, string statusCode,
        string? secondLevelStatusCode, string? relayState, X509Certificate2? signingCertificate, DateTimeOffset issueInstant)
    {
        var response = new XElement(Samlp + "LogoutResponse",
            new XAttribute(XNamespace.Xmlns + "samlp", Samlp),
            new XAttribute(XNamespace.Xmlns + "saml", Saml),
            new XAttribute("ID", SamlProtocolValues.NewId()),
            new XAttribute("Version", SamlProtocolValues.Version),
            new XAttribute("IssueInstant", SamlProtocolValues.FormatInstant(issueInstant)),
            new XAttribute("Destination", destination.AbsoluteUri),
            new XAttribute("InResponseTo", inResponseTo),
            new XElement(Saml + "Issuer", issuer),
            new XElement(Samlp + "Status",
                new XElement(Samlp + "StatusCode",
                    new XAttribute("Value", statusCode),
                    secondLevelStatusCode is null
                        ? null
                        : new XElement(Samlp + "StatusCode", new XAttribute("Value", secondLevelStatusCode)))));

        return HttpRedirectBinding.Encode(destination, SamlMessageKind.Response,
            response.ToString(SaveOptions.DisableFormatting), relayState, signingCertificate);
    }
}
