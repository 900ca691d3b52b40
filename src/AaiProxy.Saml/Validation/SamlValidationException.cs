namespace AaiProxy.Saml.Validation;

/// <summary>A SAML response broke a rule. <see cref="Error"/> says which; <see cref="Reason"/> is detail
/// for logs (never key material); people and senders only ever see <see cref="Error"/>-level text.</summary>
public sealed class SamlValidationException : Exception
{
    public SamlValidationException(SamlValidationError error, string reason, Exception? inner = null)
        : base($"{error}: {reason}", inner)
    {
        Error = error;
        Reason = reason;
    }

    public SamlValidationError Error { get; }

    public string Reason { get; }

    /// <summary>True when the response carried an EncryptedAssertion. Hosts then show one uniform
    /// failure so that the sender learns nothing about where decryption or validation stopped.</summary>
    public bool FromEncryptedAssertion { get; private init; }

    internal SamlValidationException AsFromEncryptedAssertion() =>
        new(Error, Reason, InnerException) { FromEncryptedAssertion = true };
}

/// <summary>The identity provider answered with a non-Success status (Core 3.2.2.2). A status response
/// needs no signature, so its code and message may have been written by anyone unless
/// <see cref="Authenticated"/> is true; hosts show the sender's text only then.</summary>
public sealed class SamlStatusException : Exception
{
    public SamlStatusException(string issuer, string statusCode, string? secondLevelStatusCode, string? statusMessage,
        bool authenticated = false)
        : base($"The identity provider '{issuer}' answered {statusCode}"
               + (secondLevelStatusCode is null ? "" : $" / {secondLevelStatusCode}")
               + (statusMessage is null ? "" : $": {statusMessage}"))
    {
        Issuer = issuer;
        StatusCode = statusCode;
        SecondLevelStatusCode = secondLevelStatusCode;
        StatusMessage = statusMessage;
        Authenticated = authenticated;
    }

    public string Issuer { get; }

    /// <summary>Top-level code, e.g. <c>urn:oasis:names:tc:SAML:2.0:status:Responder</c>.</summary>
    public string StatusCode { get; }

    /// <summary>Second-level code, e.g. <see cref="SamlStatusCodes.NoAuthnContext"/>.</summary>
    public string? SecondLevelStatusCode { get; }

    public string? StatusMessage { get; }

    /// <summary>True only when the Response carries a signature that verifies with the issuer's metadata
    /// keys (under its policy) and answers the request this browser has outstanding. A signature that
    /// does not verify, or a status answering another request, makes it false (never an exception).</summary>
    public bool Authenticated { get; }

    /// <summary>The IdP cannot meet the requested authentication context (for example REFEDS MFA).</summary>
    public bool IsNoAuthnContext =>
        SecondLevelStatusCode == SamlStatusCodes.NoAuthnContext || StatusCode == SamlStatusCodes.NoAuthnContext;
}
