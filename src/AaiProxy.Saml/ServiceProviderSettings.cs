using System.Security.Cryptography.X509Certificates;

namespace AaiProxy.Saml;

/// <summary>Who we are as a SAML service provider. Built by the host from validated options.</summary>
/// <param name="EntityId">Our entity ID; assertions must name it as <c>Audience</c>.</param>
/// <param name="AssertionConsumerServiceUrl">Our ACS (HTTP-POST); <c>Destination</c> and <c>Recipient</c> must equal it.</param>
/// <param name="SingleLogoutServiceUrl">Our SLO endpoint (HTTP-Redirect).</param>
/// <param name="SigningCertificate">Our signing key pair (AuthnRequests, LogoutRequests, metadata).</param>
/// <param name="DecryptionCertificates">Key pairs for decrypting assertions; the first is published
/// for encryption, the rest are kept for rollover.</param>
public sealed record ServiceProviderSettings(
    string EntityId,
    Uri AssertionConsumerServiceUrl,
    Uri SingleLogoutServiceUrl,
    X509Certificate2 SigningCertificate,
    IReadOnlyList<X509Certificate2> DecryptionCertificates);
