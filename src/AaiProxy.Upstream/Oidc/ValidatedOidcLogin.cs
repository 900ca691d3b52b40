namespace AaiProxy.Upstream.Oidc;

/// <summary>
/// An OpenID Connect login as the relying party handler accepted it: the claims of an ID token whose
/// signature, issuer, audience, expiry and nonce were verified (Core 3.1.3.7), together with the userinfo
/// claims it checked against that token (same <c>sub</c>, Core 5.3.2). Only such a login becomes an identity.
/// </summary>
/// <param name="Issuer">The issuer the ID token was validated against (the provider's configured issuer).</param>
/// <param name="Claims">Claim name and value pairs; a multi-valued claim (a JSON array) appears once per value.</param>
/// <param name="ReceivedAt">When the proxy received the login: the authentication time when the token states none.</param>
public sealed record ValidatedOidcLogin(string Issuer, IReadOnlyList<KeyValuePair<string, string>> Claims, DateTimeOffset ReceivedAt)
{
    /// <summary>All values of a claim, in order.</summary>
    public IEnumerable<string> Values(string claim) =>
        Claims.Where(pair => pair.Key == claim).Select(pair => pair.Value);

    /// <summary>The first value of a claim, or null.</summary>
    public string? FirstValue(string claim) => Values(claim).FirstOrDefault();
}
