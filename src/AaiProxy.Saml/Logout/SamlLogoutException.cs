namespace AaiProxy.Saml.Logout;

/// <summary>Why a logout message was refused. Stable: tests, logs and error pages use these.</summary>
public enum SamlLogoutError
{
    /// <summary>Not the expected message: wrong binding parameter, element, namespace or version.</summary>
    UnexpectedMessage,

    /// <summary>The query carries no signature; logout messages must be signed.</summary>
    Unsigned,

    /// <summary>No single <c>Issuer</c>, or one that is not an entity name.</summary>
    MissingIssuer,

    /// <summary>The <c>Issuer</c> is not an identity provider in our metadata.</summary>
    UnknownIssuer,

    /// <summary>The <c>Issuer</c> is not the identity provider our request went to.</summary>
    WrongIssuer,

    /// <summary>The signature does not verify with the issuer's metadata keys (or uses a refused algorithm).</summary>
    InvalidSignature,

    /// <summary>A required element or attribute (<c>ID</c>, <c>IssueInstant</c>, <c>Status</c>…) is absent or malformed.</summary>
    MalformedMessage,

    /// <summary><c>Destination</c> is absent or not our Single Logout endpoint.</summary>
    WrongDestination,

    /// <summary><c>IssueInstant</c> lies in the future beyond the allowed clock skew.</summary>
    IssuedInTheFuture,

    /// <summary><c>NotOnOrAfter</c> has passed, or the message is older than the accepted age.</summary>
    Expired,

    /// <summary>The LogoutRequest identifies the person by <c>EncryptedID</c> or <c>BaseID</c>, which we never issue to IdPs.</summary>
    UnsupportedIdentifier,

    /// <summary>The LogoutResponse does not answer the request we sent.</summary>
    InResponseToMismatch,
}

/// <summary>A logout message was refused; <see cref="Error"/> says why.</summary>
public sealed class SamlLogoutException : Exception
{
    public SamlLogoutException(SamlLogoutError error, string message, Exception? inner = null)
        : base(message, inner) => Error = error;

    public SamlLogoutError Error { get; }
}
