namespace AaiProxy.Saml.Validation;

/// <summary>Why a SAML response was refused: one stable value per rule, safe to log and to assert on.</summary>
public enum SamlValidationError
{
    // Decoding and XML safety (SafeXml)
    ResponseTooLarge,
    InvalidBase64,
    XmlMalformed,
    XmlDtdProhibited,
    XmlEntityDeclarations,
    XmlTooLarge,
    XmlTooDeep,

    // Response shape
    NotAResponse,
    UnsupportedVersion,
    MalformedResponse,
    AssertionMissing,
    MultipleAssertions,
    AssertionNotDirectChild,

    // Issuer
    IssuerMissing,
    IssuerFormatInvalid,
    UnknownIssuer,
    IssuerMismatch,
    IssuerNotRequested,

    // Encryption (every decryption failure is this one value; the detail is only in Reason)
    DecryptionFailed,
    AssertionNotEncrypted,

    // Signature
    SignatureMissing,
    SignatureStructureInvalid,
    SignatureReferenceMismatch,
    DuplicateId,
    SignatureTransformNotAllowed,
    SignatureAlgorithmNotAllowed,
    Sha1NotAllowed,
    SignatureInvalid,

    // Response and assertion content
    DestinationMissing,
    DestinationMismatch,
    MalformedAssertion,
    BearerSubjectConfirmationMissing,
    RecipientMismatch,
    SubjectConfirmationExpired,
    InResponseToMismatch,
    UnexpectedInResponseTo,
    UnsolicitedResponseNotAllowed,
    AssertionNotYetValid,
    AssertionExpired,
    AudienceRestrictionMissing,
    AudienceMismatch,
    UnsupportedCondition,
    AuthnStatementMissing,
    AuthnContextNotMet,
    AuthnInstantInFuture,
    Replayed,
}
