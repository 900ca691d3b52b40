using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Xml;
using AaiProxy.Saml.Validation;
using AaiProxy.Saml.Xml;

namespace AaiProxy.Saml.Encryption;

/// <summary>
/// Decrypts a saml:EncryptedAssertion (Core 2.3.4, XML Encryption 1.1) with our own keys, using the
/// cryptographic primitives directly on the parsed structure: nothing is ever fetched or resolved.
/// Every failure is the same <see cref="SamlValidationError.DecryptionFailed"/>; only Reason differs.
/// The result is a fresh document parsed by <see cref="SafeXml"/>, validated like any plain assertion.
/// </summary>
internal static class EncryptedAssertionDecryptor
{
    private const int GcmNonceBytes = 12;
    private const int GcmTagBytes = 16;
    private const int AesBlockBytes = 16;

    public static XmlElement Decrypt(XmlElement encryptedAssertion, IReadOnlyList<X509Certificate2> decryptionCertificates)
    {
        RefuseExternalReferences(encryptedAssertion);
        var encryptedData = Single(encryptedAssertion, SamlNamespaces.XmlEnc, "EncryptedData");
        RequireElementType(encryptedData);
        var contentKeyBytes = ContentKeyLength(AlgorithmOf(encryptedData));
        var encryptedKeys = EncryptedKeysFor(encryptedAssertion, encryptedData);
        var paddings = encryptedKeys.Select(KeyTransportPadding).ToList(); // all checked before any unwrap
        var contentKey = UnwrapContentKey(encryptedKeys, paddings, decryptionCertificates, contentKeyBytes);
        var plaintext = DecryptContent(AlgorithmOf(encryptedData), contentKey, CipherValue(encryptedData));
        return ParseAssertion(plaintext);
    }

    // Nothing is dereferenced: a RetrievalMethod or CipherReference (XML Encryption 3.3.1) would make
    // us fetch or look up data named by the sender.
    private static void RefuseExternalReferences(XmlElement encryptedAssertion)
    {
        foreach (XmlElement element in encryptedAssertion.GetElementsByTagName("*"))
        {
            if (element.LocalName is "RetrievalMethod" or "CipherReference" or "AgreementMethod")
            {
                throw Failed($"The encrypted assertion uses {element.LocalName}, which is never followed.");
            }
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

    // Keys are inline (EncryptedData/KeyInfo/EncryptedKey) or peers in the EncryptedAssertion (Core 2.3.4).
    private static List<XmlElement> EncryptedKeysFor(XmlElement encryptedAssertion, XmlElement encryptedData)
    {
        var inline = encryptedData.ChildElements(SamlNamespaces.XmlDsig, "KeyInfo")
            .SelectMany(keyInfo => keyInfo.ChildElements(SamlNamespaces.XmlEnc, "EncryptedKey"));
        var peers = encryptedAssertion.ChildElements(SamlNamespaces.XmlEnc, "EncryptedKey");
        var keys = inline.Concat(peers).ToList();
        return keys.Count > 0 ? keys : throw Failed("The encrypted assertion carries no EncryptedKey.");
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

    private static byte[] UnwrapContentKey(List<XmlElement> encryptedKeys, List<RSAEncryptionPadding> paddings,
        IReadOnlyList<X509Certificate2> decryptionCertificates, int contentKeyBytes)
    {
        for (var i = 0; i < encryptedKeys.Count; i++)
        {
            var wrapped = CipherValue(encryptedKeys[i]);
            foreach (var certificate in decryptionCertificates)
            {
                using var rsa = certificate.GetRSAPrivateKey();
                if (rsa is null)
                {
                    continue;
                }

                try
                {
                    var key = rsa.Decrypt(wrapped, paddings[i]);
                    if (key.Length == contentKeyBytes)
                    {
                        return key;
                    }
                }
                catch (CryptographicException)
                {
                    // Not our key (or tampered): try the next certificate.
                }
            }
        }

        throw Failed("No decryption certificate could unwrap a content key of the expected length.");
    }

    private static int ContentKeyLength(string? algorithm) => algorithm switch
    {
        XmlSecurityAlgorithms.Aes128Gcm or XmlSecurityAlgorithms.Aes128Cbc => 16,
        XmlSecurityAlgorithms.Aes256Gcm or XmlSecurityAlgorithms.Aes256Cbc => 32,
        _ => throw Failed($"Content encryption '{algorithm}' is not supported."),
    };

    private static byte[] DecryptContent(string? algorithm, byte[] key, byte[] cipherValue) => algorithm switch
    {
        XmlSecurityAlgorithms.Aes128Gcm or XmlSecurityAlgorithms.Aes256Gcm => DecryptGcm(key, cipherValue),
        _ => DecryptCbc(key, cipherValue),
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

    // XML Encryption 1.1, 5.2.1: IV (128 bits) || ciphertext, with ISO 10126-style padding (the last
    // byte gives the pad length; the other pad bytes are arbitrary).
    private static byte[] DecryptCbc(byte[] key, byte[] cipherValue)
    {
        if (cipherValue.Length < 2 * AesBlockBytes || cipherValue.Length % AesBlockBytes != 0)
        {
            throw Failed("The AES-CBC cipher value has an invalid length.");
        }

        using var aes = Aes.Create();
        aes.Key = key;
        var padded = aes.DecryptCbc(cipherValue.AsSpan(AesBlockBytes), cipherValue.AsSpan(0, AesBlockBytes), PaddingMode.None);
        var padLength = padded[^1];
        if (padLength is 0 or > AesBlockBytes)
        {
            throw Failed("The AES-CBC padding is invalid.");
        }

        return padded[..^padLength];
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

    private static SamlValidationException Failed(string reason) => new(SamlValidationError.DecryptionFailed, reason);
}
