using AaiProxy.Saml.Validation;
using AaiProxy.Upstream;

namespace AaiProxy.Server.Upstream.Saml;

/// <summary>
/// What a person is told when a SAML login fails: plain words by category, never the validator's
/// detail (that goes to the log under the same correlation id). Every failure inside an encrypted
/// assertion reads the same, so the page cannot serve as a decryption oracle.
/// </summary>
internal static class SamlFailureMessages
{
    public static string For(SamlValidationException failure)
    {
        if (failure.FromEncryptedAssertion)
        {
            return "The sign-in response from your identity provider could not be decrypted or validated.";
        }

        return failure.Error switch
        {
            SamlValidationError.AssertionExpired or SamlValidationError.SubjectConfirmationExpired =>
                "The sign-in response from your identity provider has expired. Please sign in again.",
            SamlValidationError.AssertionNotYetValid =>
                "The sign-in response from your identity provider is not valid yet; the clocks of your identity provider and this service disagree.",
            SamlValidationError.Replayed =>
                "This sign-in response was already used. Please sign in again.",
            SamlValidationError.InResponseToMismatch or SamlValidationError.UnexpectedInResponseTo =>
                "The sign-in response does not answer a sign-in started in this browser. Please start again from the service you wanted to use.",
            SamlValidationError.UnsolicitedResponseNotAllowed =>
                "Your identity provider sent a sign-in this service did not ask for. Please start from the service you wanted to use.",
            SamlValidationError.UnknownIssuer =>
                "The sign-in response comes from an identity provider this service does not know.",
            SamlValidationError.IssuerNotRequested =>
                "The sign-in response comes from another identity provider than the one you chose. Please start again.",
            SamlValidationError.SignatureMissing or SamlValidationError.SignatureInvalid or SamlValidationError.SignatureReferenceMismatch
                or SamlValidationError.SignatureStructureInvalid or SamlValidationError.DuplicateId
                or SamlValidationError.SignatureTransformNotAllowed or SamlValidationError.SignatureAlgorithmNotAllowed
                or SamlValidationError.Sha1NotAllowed =>
                "The sign-in response is not signed in a way this service can trust.",
            SamlValidationError.AudienceMismatch or SamlValidationError.AudienceRestrictionMissing
                or SamlValidationError.DestinationMismatch or SamlValidationError.DestinationMissing
                or SamlValidationError.RecipientMismatch =>
                "The sign-in response was meant for another service.",
            _ => "The sign-in response from your identity provider is not valid.",
        };
    }

    /// <summary>The SAML adapter could not find an identifier to recognise the person by.</summary>
    public static string For(UpstreamRefusal refusal) => refusal switch
    {
        UpstreamRefusal.SubjectIdentifierOutOfScope =>
            "Your identity provider released an identifier for you that it may not vouch for, so you cannot be recognised safely. " +
            "Please contact your identity provider.",
        _ => "Your identity provider did not release an identifier for you, so you cannot be recognised. Please contact your identity provider.",
    };

    /// <summary>The shared replay cache did not answer: the response is refused rather than perhaps accepted twice.</summary>
    public const string ReplayCheckUnavailable =
        "This service cannot complete sign-ins at the moment (a check it must make is unavailable). Nothing was changed; please try again in a few minutes.";

    /// <summary>The IdP could not, or did not, authenticate with the requested strength.</summary>
    public const string AuthnContextNotMet =
        "Your identity provider could not sign you in with the authentication strength this service asked for " +
        "(for example multi-factor authentication).";

    public static string For(SamlStatusException status)
    {
        if (status.IsNoAuthnContext)
        {
            return AuthnContextNotMet;
        }

        var code = status.SecondLevelStatusCode ?? status.StatusCode;
        // An IdP's own words are shown only from a signed answer to this browser's request: anyone can post an
        // unsigned status response, and its text would otherwise appear on this site as if the IdP had said it.
        var message = !status.Authenticated || string.IsNullOrWhiteSpace(status.StatusMessage)
            ? ""
            : $" It said: \u201c{status.StatusMessage}\u201d.";
        return $"Your identity provider did not sign you in (status {ShortStatus(code)}).{message}";
    }

    private static string ShortStatus(string statusCode)
    {
        var colon = statusCode.LastIndexOf(':');
        return colon >= 0 ? statusCode[(colon + 1)..] : statusCode;
    }
}
