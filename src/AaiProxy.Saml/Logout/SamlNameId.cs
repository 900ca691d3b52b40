namespace AaiProxy.Saml.Logout;

/// <summary>
/// A <c>saml:NameID</c> with its qualifiers exactly as the IdP sent them; a LogoutRequest must repeat
/// them unchanged (Core 3.7.1, 8.3), so the host keeps this from the login for the session.
/// </summary>
public sealed record SamlNameId(string Value, string? Format = null, string? NameQualifier = null, string? SpNameQualifier = null);
