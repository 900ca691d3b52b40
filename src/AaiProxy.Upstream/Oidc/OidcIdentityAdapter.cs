using System.Globalization;
using System.Text.RegularExpressions;
using AaiProxy.Identity;

namespace AaiProxy.Upstream.Oidc;

/// <summary>
/// The OpenID Connect adapter: a <see cref="ValidatedOidcLogin"/> becomes the internal <see cref="UpstreamIdentity"/>.
/// The person is linked by <c>sub</c>, which is unique only within its issuer (Core 2: "locally unique and never
/// reassigned identifier within the Issuer"), so the issuer is part of the link. Claims map by an
/// <see cref="OidcClaimMapping"/>; <c>acr</c> and <c>auth_time</c> (else <c>iat</c>) say how and when the
/// person authenticated.
/// </summary>
public static partial class OidcIdentityAdapter
{
    /// <summary>ORCID's issuers: there <c>sub</c> is the person's ORCID iD.</summary>
    public static IReadOnlyList<string> OrcidIssuers { get; } = ["https://orcid.org", "https://sandbox.orcid.org"];

    /// <exception cref="UpstreamIdentityException">The login has no <c>sub</c>.</exception>
    public static UpstreamIdentity ToUpstreamIdentity(ValidatedOidcLogin login, OidcClaimMapping mapping)
    {
        // Core 2: sub is REQUIRED in the ID token; the handler refuses a userinfo sub that differs (Core 5.3.2).
        var subject = login.FirstValue("sub");
        if (string.IsNullOrEmpty(subject))
        {
            throw new UpstreamIdentityException(UpstreamRefusal.SubjectIdentifierMissing, "The ID token has no sub.");
        }

        var attributes = mapping.Map(login);
        attributes[InternalAttributes.OidcSubject] = [subject];
        if (OrcidId(login.Issuer, subject) is { } orcid)
        {
            attributes[InternalAttributes.Orcid] = [orcid];
        }

        return new UpstreamIdentity(
            UpstreamProtocols.OpenIdConnect,
            login.Issuer,
            subject,
            InternalAttributes.OidcSubject,
            attributes,
            new UpstreamAuthentication(AuthenticatedAt(login), login.FirstValue("acr") is { Length: > 0 } acr ? acr : null));
    }

    // Core 2: auth_time is when the End-User authenticated; a token without it was still issued (iat) after that.
    private static DateTimeOffset AuthenticatedAt(ValidatedOidcLogin login) =>
        Seconds(login.FirstValue("auth_time")) ?? Seconds(login.FirstValue("iat")) ?? login.ReceivedAt;

    private static DateTimeOffset? Seconds(string? value) =>
        long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) && seconds <= 253402300799
            ? DateTimeOffset.FromUnixTimeSeconds(seconds)
            : null;

    // ORCID's sub is the 16-character ORCID iD; the iD as people cite it is the URI on the issuer's host.
    private static string? OrcidId(string issuer, string subject) =>
        OrcidIssuers.Contains(issuer.TrimEnd('/'), StringComparer.Ordinal) && OrcidIdPattern().IsMatch(subject)
            ? $"{issuer.TrimEnd('/')}/{subject}"
            : null;

    [GeneratedRegex("^[0-9]{4}-[0-9]{4}-[0-9]{4}-[0-9]{3}[0-9X]$")]
    private static partial Regex OrcidIdPattern();
}
