using System.Security.Cryptography.X509Certificates;

namespace AaiProxy.Saml.Metadata;

/// <summary>
/// What trusted metadata says about one identity provider. This is the only source of keys that
/// may verify its messages: <c>KeyInfo</c> inside a message never decides trust.
/// </summary>
/// <param name="EntityId">The IdP's entity ID; a message's <c>Issuer</c> must equal it.</param>
/// <param name="SigningCertificates">Certificates from <c>KeyDescriptor use="signing"</c> (or without use).</param>
/// <param name="SingleSignOnServiceRedirectUrl">The HTTP-Redirect <c>SingleSignOnService</c> location.</param>
/// <param name="SingleLogoutServiceRedirectUrl">The HTTP-Redirect <c>SingleLogoutService</c> location, if any.</param>
/// <param name="Scopes">The IdP's <c>shibmd:Scope</c> values, used to check scoped attributes.</param>
/// <param name="DisplayName">The <c>mdui:DisplayName</c> (English preferred), for people.</param>
public sealed record IdentityProviderMetadata(
    string EntityId,
    IReadOnlyList<X509Certificate2> SigningCertificates,
    Uri SingleSignOnServiceRedirectUrl,
    Uri? SingleLogoutServiceRedirectUrl,
    IReadOnlyList<ShibbolethScope> Scopes,
    string? DisplayName);

/// <summary>A <c>shibmd:Scope</c>: a literal domain, or a regular expression when <c>regexp="true"</c>.</summary>
public sealed record ShibbolethScope(string Value, bool IsRegularExpression);
