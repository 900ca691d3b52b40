using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Xml;

namespace AaiProxy.Saml.Encryption;

/// <summary>What the decryption of one EncryptedAssertion may accept.</summary>
/// <param name="ServiceProviderEntityId">Our entity ID: an EncryptedKey whose <c>Recipient</c> names another is not ours.</param>
/// <param name="Certificates">Our decryption certificates (with private keys), newest first or in any order.</param>
/// <param name="ResponseSigned">The enclosing Response's signature was verified before decryption.</param>
/// <param name="AllowTripleDes">The operator allows tripledes-cbc content encryption from this IdP.</param>
internal sealed record DecryptionRules(string ServiceProviderEntityId, IReadOnlyList<X509Certificate2> Certificates,
    bool ResponseSigned, bool AllowTripleDes);

/// <summary>A decrypted assertion (not yet validated) and the content encryption that protected it.</summary>
/// <param name="LegacyAlgorithm">The content encryption algorithm when it is a legacy one the policy
/// allowed (tripledes-cbc), for the host's log; otherwise null.</param>
internal sealed record DecryptedAssertion(XmlElement Assertion, string? LegacyAlgorithm);

/// <summary>One RSA private-key operation: unwraps a content key with one of our certificates.</summary>
/// <returns>The key, or null when this certificate cannot unwrap it.</returns>
internal delegate byte[]? KeyUnwrap(X509Certificate2 certificate, byte[] wrappedKey, RSAEncryptionPadding padding);
