using System.Security.Cryptography.X509Certificates;
using AaiProxy.Saml.Attributes;
using AaiProxy.Saml.Mapping;

namespace AaiProxy.Saml.IdentityProvider;

/// <summary>What an identity provider asserts about a person to one service provider.</summary>
/// <param name="Destination">The SP's ACS URL (Response Destination and SubjectConfirmationData Recipient).</param>
/// <param name="Audience">The SP's entity ID.</param>
/// <param name="InResponseTo">The AuthnRequest ID answered, or null for an unsolicited response.</param>
/// <param name="NameId">The Subject's NameID value.</param>
/// <param name="SessionIndex">The IdP session, for Single Logout.</param>
/// <param name="AuthnContextClassRef">How the person authenticated (e.g. https://refeds.org/profile/mfa).</param>
/// <param name="Attributes">Attributes by SAML name (urn:oid:…), sent with NameFormat uri.</param>
public sealed record SamlResponseContent(
    Uri Destination,
    string Audience,
    string? InResponseTo,
    string NameId,
    string SessionIndex,
    string AuthnContextClassRef,
    IReadOnlyList<SamlAttributeValues> Attributes)
{
    public string NameIdFormat { get; init; } = SamlNameIdFormats.Persistent;

    /// <summary>Sign the Assertion (the usual choice, Profiles 4.1.3.5).</summary>
    public bool SignAssertion { get; init; } = true;

    /// <summary>Sign the Response as well (covers the assertion, encrypted or not).</summary>
    public bool SignResponse { get; init; }

    /// <summary>When set, the assertion is encrypted to this SP certificate (after it is signed).</summary>
    public X509Certificate2? EncryptFor { get; init; }

    public AssertionContentEncryption ContentEncryption { get; init; } = AssertionContentEncryption.Aes256Gcm;

    public AssertionKeyTransport KeyTransport { get; init; } = AssertionKeyTransport.RsaOaepMgf1p;

    /// <summary>Where the wrapped content key goes (Core 6.2).</summary>
    public EncryptedKeyPlacement KeyPlacement { get; init; } = EncryptedKeyPlacement.Inline;

    /// <summary>When the person authenticated (<c>AuthnInstant</c>); unset: when the response is written.</summary>
    public DateTimeOffset? AuthnInstant { get; init; }

    /// <summary>How long the assertion and its bearer confirmation stay valid.</summary>
    public TimeSpan Lifetime { get; init; } = TimeSpan.FromMinutes(5);
}

/// <summary>One attribute: its SAML name and values.</summary>
public sealed record SamlAttributeValues(string Name, IReadOnlyList<string> Values);

public enum AssertionContentEncryption
{
    Aes256Gcm,
    Aes256Cbc,

    /// <summary>XML Encryption tripledes-cbc: legacy, for testing an SP's refusal or per-IdP allowance.</summary>
    TripleDesCbc,
}

public enum EncryptedKeyPlacement
{
    /// <summary>EncryptedData/KeyInfo/EncryptedKey.</summary>
    Inline,

    /// <summary>A peer of EncryptedData in the EncryptedAssertion, named by a same-document ds:RetrievalMethod.</summary>
    PeerByRetrievalMethod,

    /// <summary>A peer of EncryptedData, named by ds:KeyName equal to its xenc:CarriedKeyName.</summary>
    PeerByKeyName,
}

public enum AssertionKeyTransport
{
    /// <summary>XML Encryption 1.0 rsa-oaep-mgf1p (SHA-1 for the OAEP digest and MGF1), the widely interoperable choice.</summary>
    RsaOaepMgf1p,

    /// <summary>XML Encryption 1.1 rsa-oaep with SHA-256 digest and MGF1-SHA-256.</summary>
    RsaOaepSha256,
}
