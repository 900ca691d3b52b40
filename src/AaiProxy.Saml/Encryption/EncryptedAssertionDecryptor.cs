using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Xml;
using AaiProxy.Saml.Validation;
using AaiProxy.Saml.Xml;

namespace AaiProxy.Saml.Encryption;

/// <summary>
/// Decrypts a saml:EncryptedAssertion (Core 2.3.4, XML Encryption 1.1) with our own keys, using the
/// cryptographic primitives directly on the parsed structure: nothing is ever fetched, and the only
/// reference resolved is one EncryptedData makes to a peer EncryptedKey inside the same
/// EncryptedAssertion (Core 6.2). The structure is judged before any RSA operation: at most
/// <see cref="EncryptedKeySelector.MaxEncryptedKeys"/> keys, an allowed content algorithm, and only
/// keys addressed to us. Every failure is the same <see cref="SamlValidationError.DecryptionFailed"/>;
/// only Reason differs. The result is a fresh document parsed by <see cref="SafeXml"/>, validated like
/// any plain assertion.
/// </summary>
internal static class EncryptedAssertionDecryptor
{
    private const int GcmNonceBytes = 12;
    private const int GcmTagBytes = 16;

    public static DecryptedAssertion Decrypt(XmlElement encryptedAssertion, DecryptionRules rules, KeyUnwrap? unwrap = null)
    {
        RefuseExternalReferences(encryptedAssertion);
        RefuseTooManyEncryptedKeys(encryptedAssertion);
        var encryptedData = Single(encryptedAssertion, SamlNamespaces.XmlEnc, "EncryptedData");
        RequireElementType(encryptedData);
        var algorithm = AlgorithmOf(encryptedData);
        var contentKeyBytes = ContentKeyLength(algorithm, rules);
        var candidates = EncryptedKeySelector.Select(encryptedAssertion, encryptedData, rules);
        var paddings = candidates.Select(candidate => KeyTransportPadding(candidate.EncryptedKey)).ToList(); // all checked before any unwrap
        var contentKey = UnwrapContentKey(candidates, paddings, contentKeyBytes, unwrap ?? RsaUnwrap);
        var plaintext = DecryptContent(algorithm, contentKey, CipherValue(encryptedData));
        return new DecryptedAssertion(ParseAssertion(plaintext), algorithm == XmlSecurityAlgorithms.TripleDesCbc ? algorithm : null);
    }

    // Nothing is fetched: a CipherReference or AgreementMethod (XML Encryption 3.3.1, 5.6) would make
    // us fetch or derive data named by the sender. A RetrievalMethod is resolved only where Core 6.2
    // puts it (EncryptedData/KeyInfo, naming a peer EncryptedKey; see EncryptedKeySelector).
    private static void RefuseExternalReferences(XmlElement encryptedAssertion)
    {
        foreach (var element in encryptedAssertion.DescendantElements())
        {
            var allowedRetrieval = element.LocalName == "RetrievalMethod" && element.ParentNode is XmlElement keyInfo
                && keyInfo.Is(SamlNamespaces.XmlDsig, "KeyInfo") && keyInfo.ParentNode is XmlElement encryptedData
                && encryptedData.Is(SamlNamespaces.XmlEnc, "EncryptedData") && encryptedData.ParentNode == encryptedAssertion;
            if (element.LocalName is "RetrievalMethod" or "CipherReference" or "AgreementMethod" && !allowedRetrieval)
            {
                throw Failed($"The encrypted assertion uses {element.LocalName} where it is never followed.");
            }
        }
    }

    // Each EncryptedKey can cost one RSA private-key operation per certificate of ours, for a sender
    // not yet authenticated; a legitimate IdP needs one (two during our key rollover).
    private static void RefuseTooManyEncryptedKeys(XmlElement encryptedAssertion)
    {
        var count = EncryptedKeySelector.CountEncryptedKeys(encryptedAssertion);
        if (count > EncryptedKeySelector.MaxEncryptedKeys)
        {
            throw Failed($"The encrypted assertion carries {count} EncryptedKey elements; at most {EncryptedKeySelector.MaxEncryptedKeys} are accepted.");
        }
    }

    private static void RequireElementType(XmlElement encryptedData)
    {
        var type = encryptedData.AttributeOrNull("Type");
        if (type is not null && type != XmlSecurityAlgorithms.EncryptedElementType)
        {
            throw Failed($"EncryptedData has Type '{type}', not Element.");
        }
    }

    // Only RSA-OAEP: RSA PKCS#1 v1.5 key transport is a padding oracle (Bleichenbacher), so it is
    // refused from its algorithm name before any private-key operation takes place.
    private static RSAEncryptionPadding KeyTransportPadding(XmlElement encryptedKey)
    {
        var method = Single(encryptedKey, SamlNamespaces.XmlEnc, "EncryptionMethod");
        var algorithm = method.AttributeOrNull("Algorithm");
        if (method.ChildElements(SamlNamespaces.XmlEnc, "OAEPparams").Any())
        {
            throw Failed("OAEP parameters (a label) are not supported.");
        }

        var digest = Optional(method, SamlNamespaces.XmlDsig, "DigestMethod")?.AttributeOrNull("Algorithm")
                     ?? XmlSecurityAlgorithms.Sha1;
        var mgf = Optional(method, XmlSecurityAlgorithms.XmlEnc11Namespace, "MGF")?.AttributeOrNull("Algorithm")
                  ?? XmlSecurityAlgorithms.Mgf1Sha1;
        return algorithm switch
        {
            XmlSecurityAlgorithms.RsaOaepMgf1p when digest == XmlSecurityAlgorithms.Sha1 => RSAEncryptionPadding.OaepSHA1,
            XmlSecurityAlgorithms.RsaOaep => OaepWithMatchingMgf(digest, mgf),
            _ => throw Failed($"Key transport '{algorithm}' (digest '{digest}') is refused; only RSA-OAEP is accepted."),
        };
    }

    // .NET's OAEP uses the same hash for the label digest and MGF1, so only matching pairs are supported.
    private static RSAEncryptionPadding OaepWithMatchingMgf(string digest, string mgf) => (digest, mgf) switch
    {
        (XmlSecurityAlgorithms.Sha1, XmlSecurityAlgorithms.Mgf1Sha1) => RSAEncryptionPadding.OaepSHA1,
        (XmlSecurityAlgorithms.Sha256, XmlSecurityAlgorithms.Mgf1Sha256) => RSAEncryptionPadding.OaepSHA256,
        (XmlSecurityAlgorithms.Sha384, XmlSecurityAlgorithms.Mgf1Sha384) => RSAEncryptionPadding.OaepSHA384,
        (XmlSecurityAlgorithms.Sha512, XmlSecurityAlgorithms.Mgf1Sha512) => RSAEncryptionPadding.OaepSHA512,
        _ => throw Failed($"RSA-OAEP with digest '{digest}' and MGF '{mgf}' is not supported."),
    };

    private static byte[] UnwrapContentKey(List<KeyCandidate> candidates, List<RSAEncryptionPadding> paddings,
        int contentKeyBytes, KeyUnwrap unwrap)
    {
        for (var i = 0; i < candidates.Count; i++)
        {
            var wrapped = CipherValue(candidates[i].EncryptedKey);
            foreach (var certificate in candidates[i].Certificates)
            {
                if (unwrap(certificate, wrapped, paddings[i]) is { } key && key.Length == contentKeyBytes)
                {
                    return key;
                }
            }
        }

        throw Failed("No decryption certificate could unwrap a content key of the expected length.");
    }

    private static byte[]? RsaUnwrap(X509Certificate2 certificate, byte[] wrappedKey, RSAEncryptionPadding padding)
    {
        try
        {
            return CertificateKeys.RsaPrivateKey(certificate)?.Decrypt(wrappedKey, padding);
        }
        catch (CryptographicException)
        {
            return null; // not our key, or tampered
        }
    }

    // XML Encryption 1.1, 5.2: AES-GCM authenticates the ciphertext itself. CBC does not: unless the
    // Response signature, verified before decryption, covers the ciphertext, an attacker could modify
    // it and learn from our padding check (a padding oracle). tripledes-cbc (5.2.1) is legacy and only
    // accepted from an IdP the operator allowed it for.
    private static int ContentKeyLength(string? algorithm, DecryptionRules rules)
    {
        if (algorithm is XmlSecurityAlgorithms.Aes128Cbc or XmlSecurityAlgorithms.Aes256Cbc or XmlSecurityAlgorithms.TripleDesCbc
            && !rules.ResponseSigned)
        {
            throw Failed($"Content encryption '{algorithm}' (CBC) is accepted only inside a signed Response.");
        }

        return algorithm switch
        {
            XmlSecurityAlgorithms.Aes128Gcm or XmlSecurityAlgorithms.Aes128Cbc => 16,
            XmlSecurityAlgorithms.Aes256Gcm or XmlSecurityAlgorithms.Aes256Cbc => 32,
            XmlSecurityAlgorithms.TripleDesCbc when rules.AllowTripleDes => 24,
            XmlSecurityAlgorithms.TripleDesCbc => throw Failed("Content encryption tripledes-cbc is not allowed for this identity provider."),
            _ => throw Failed($"Content encryption '{algorithm}' is not supported."),
        };
    }

    private static byte[] DecryptContent(string? algorithm, byte[] key, byte[] cipherValue) => algorithm switch
    {
        XmlSecurityAlgorithms.Aes128Gcm or XmlSecurityAlgorithms.Aes256Gcm => DecryptGcm(key, cipherValue),
        XmlSecurityAlgorithms.TripleDesCbc => DecryptCbc(TripleDES.Create(), key, cipherValue),
        _ => DecryptCbc(Aes.Create(), key, cipherValue),
    };

    // XML Encryption 1.1, 5.2.4: nonce (96 bits) || ciphertext || tag (128 bits).
    private static byte[] DecryptGcm(byte[] key, byte[] cipherValue)
    {
        if (cipherValue.Length < GcmNonceBytes + GcmTagBytes)
        {
            throw Failed("The AES-GCM cipher value is too short.");
        }

        var nonce = cipherValue.AsSpan(0, GcmNonceBytes);
        var tag = cipherValue.AsSpan(cipherValue.Length - GcmTagBytes);
        var ciphertext = cipherValue.AsSpan(GcmNonceBytes, cipherValue.Length - GcmNonceBytes - GcmTagBytes);
        var plaintext = new byte[ciphertext.Length];
        try
        {
            using var aes = new AesGcm(key, GcmTagBytes);
            aes.Decrypt(nonce, ciphertext, tag, plaintext);
        }
        catch (CryptographicException ex)
        {
            throw Failed($"AES-GCM decryption failed: {ex.Message}");
        }

        return plaintext;
    }

    // XML Encryption 1.1, 5.2.1 and 5.2.2: IV (one block) || ciphertext, with ISO 10126-style padding
    // (the last byte gives the pad length; the other pad bytes are arbitrary).
    private static byte[] DecryptCbc(SymmetricAlgorithm cipher, byte[] key, byte[] cipherValue)
    {
        using (cipher)
        {
            var blockBytes = cipher.BlockSize / 8;
            if (cipherValue.Length < 2 * blockBytes || cipherValue.Length % blockBytes != 0)
            {
                throw Failed("The CBC cipher value has an invalid length.");
            }

            cipher.Key = key;
            var padded = cipher.DecryptCbc(cipherValue.AsSpan(blockBytes), cipherValue.AsSpan(0, blockBytes), PaddingMode.None);
            var padLength = padded[^1];
            if (padLength == 0 || padLength > blockBytes)
            {
                throw Failed("The CBC padding is invalid.");
            }

            return padded[..^padLength];
        }
    }

    private static XmlElement ParseAssertion(byte[] plaintext)
    {
        string xml;
        try
        {
            xml = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true).GetString(plaintext);
        }
        catch (DecoderFallbackException)
        {
            throw Failed("The decrypted content is not UTF-8.");
        }

        XmlDocument document;
        try
        {
            document = SafeXml.Load(xml, SafeXmlLimits.ProtocolMessage);
        }
        catch (SafeXmlException ex)
        {
            throw Failed($"The decrypted content is not acceptable XML ({ex.Error}).");
        }

        var root = document.DocumentElement!;
        return root.Is(SamlNamespaces.Assertion, "Assertion")
            ? root
            : throw Failed($"The decrypted content is a {root.Name}, not a saml:Assertion.");
    }

    private static byte[] CipherValue(XmlElement encrypted)
    {
        var cipherData = Single(encrypted, SamlNamespaces.XmlEnc, "CipherData");
        var text = Single(cipherData, SamlNamespaces.XmlEnc, "CipherValue").WholeText();
        try
        {
            return Convert.FromBase64String(text ?? "");
        }
        catch (FormatException)
        {
            throw Failed("A CipherValue is not base64.");
        }
    }

    private static string? AlgorithmOf(XmlElement encrypted) =>
        Single(encrypted, SamlNamespaces.XmlEnc, "EncryptionMethod").AttributeOrNull("Algorithm");

    private static XmlElement Single(XmlElement parent, string namespaceUri, string localName)
    {
        var children = parent.ChildElements(namespaceUri, localName).ToList();
        return children.Count == 1
            ? children[0]
            : throw Failed($"{parent.LocalName} has {children.Count} {localName} elements; exactly one is required.");
    }

    private static XmlElement? Optional(XmlElement parent, string namespaceUri, string localName)
    {
        var children = parent.ChildElements(namespaceUri, localName).ToList();
        return children.Count <= 1
            ? children.FirstOrDefault()
            : throw Failed($"{parent.LocalName} has {children.Count} {localName} elements.");
    }

    internal static SamlValidationException Failed(string reason) => new(SamlValidationError.DecryptionFailed, reason);
}
