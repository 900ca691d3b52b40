using static OpenIddict.Abstractions.OpenIddictConstants;

namespace AaiProxy.Server.Oidc;

/// <summary>What the authorization endpoint does about consent, once the person is signed in.</summary>
internal enum ConsentOutcome
{
    /// <summary>Issue the code: a facility-internal client, or a stored consent covers the request.</summary>
    Proceed,

    /// <summary>Show the release notice (<see cref="ConsentPage"/>).</summary>
    Ask,

    /// <summary>The person allowed it on the release notice: store the consent, then issue the code.</summary>
    Grant,

    /// <summary>The person denied it: <c>access_denied</c> at the client (RFC 6749 §4.1.2.1).</summary>
    Deny,

    /// <summary><c>prompt=none</c> and no consent to rely on: <c>consent_required</c> (OIDC Core 3.1.2.6).</summary>
    Required,
}

/// <summary>
/// The consent rule of issue 17, decided once: a client whose OpenIddict consent type is implicit (a facility-internal
/// service, <c>Clients[].FacilityInternal</c>) never asks; any other asks unless a stored consent covers every
/// requested scope, and asks again for <c>prompt=consent</c> (OIDC Core 3.1.2.1); with <c>prompt=none</c> it cannot
/// ask, so it fails. A decision posted from the release notice wins over the prompt it carries.
/// </summary>
internal static class ConsentDecision
{
    /// <summary>The value of <see cref="ConsentPage.DecisionParameter"/> that allows the release.</summary>
    public const string Allow = "allow";

    /// <summary>The value of <see cref="ConsentPage.DecisionParameter"/> that refuses it.</summary>
    public const string Deny = "deny";

    /// <param name="consentType">The client's OpenIddict consent type.</param>
    /// <param name="stored">Whether a stored consent of this person covers every requested scope.</param>
    /// <param name="promptNone">The request has <c>prompt=none</c>.</param>
    /// <param name="promptConsent">The request has <c>prompt=consent</c>.</param>
    /// <param name="posted">The decision posted from the release notice, if this is that post.</param>
    public static ConsentOutcome Decide(string? consentType, bool stored, bool promptNone, bool promptConsent, string? posted)
    {
        if (consentType != ConsentTypes.Explicit)
        {
            return ConsentOutcome.Proceed;
        }

        return posted switch
        {
            Allow => ConsentOutcome.Grant,
            Deny => ConsentOutcome.Deny,
            _ when promptNone => stored ? ConsentOutcome.Proceed : ConsentOutcome.Required,
            _ when promptConsent || !stored => ConsentOutcome.Ask,
            _ => ConsentOutcome.Proceed,
        };
    }
}
