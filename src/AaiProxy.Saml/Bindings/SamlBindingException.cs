namespace AaiProxy.Saml.Bindings;

/// <summary>Why a message could not be carried by a binding. Stable: tests and logs use these.</summary>
public enum SamlBindingError
{
    /// <summary>Neither <c>SAMLRequest</c> nor <c>SAMLResponse</c> is present.</summary>
    MissingMessage,

    /// <summary>A binding parameter occurs twice, or both <c>SAMLRequest</c> and <c>SAMLResponse</c> are present.</summary>
    AmbiguousMessage,

    /// <summary>The encoded or the inflated message exceeds its bound.</summary>
    MessageTooLarge,

    /// <summary>Bad URL encoding, base64, DEFLATE data or UTF-8, or an unsupported <c>SAMLEncoding</c>.</summary>
    InvalidEncoding,

    /// <summary>The decoded message was refused by <see cref="Xml.SafeXml"/> (DTD, malformed, too deep…).</summary>
    InvalidXml,

    /// <summary>A signature is required but absent, or only one of <c>SigAlg</c> and <c>Signature</c> is present.</summary>
    MissingSignature,

    /// <summary><c>SigAlg</c> names an algorithm this binding does not implement.</summary>
    UnsupportedSignatureAlgorithm,

    /// <summary><c>SigAlg</c> is RSA-SHA1 and the caller did not allow it for this peer.</summary>
    WeakSignatureAlgorithm,

    /// <summary>The signature does not verify with any of the trusted certificates.</summary>
    InvalidSignature,
}

/// <summary>A SAML binding refused a message; <see cref="Error"/> says why.</summary>
public sealed class SamlBindingException : Exception
{
    public SamlBindingException(SamlBindingError error, string message, Exception? inner = null)
        : base(message, inner) => Error = error;

    public SamlBindingError Error { get; }
}
