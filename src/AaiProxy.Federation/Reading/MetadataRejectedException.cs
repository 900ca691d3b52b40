namespace AaiProxy.Federation.Reading;

/// <summary>Why a whole metadata document (an aggregate, an MDQ answer, an entity file) was refused.</summary>
public enum MetadataRejection
{
    Malformed,
    TooLarge,
    NotMetadata,
    Expired,
    ValidUntilMissing,
    SignatureMissing,
    SignatureStructureInvalid,
    SignatureAlgorithmNotAllowed,
    SignatureTransformNotAllowed,
    SignatureReferenceMismatch,
    DuplicateId,
    KeyTooWeak,
    UntrustedSigner,
    SignatureInvalid,
    Unavailable,
}

/// <summary>A metadata document that must not be used at all; the reason is stable for tests and logs.</summary>
public sealed class MetadataRejectedException(MetadataRejection reason, string message, Exception? inner = null)
    : Exception(message, inner)
{
    public MetadataRejection Reason { get; } = reason;
}
