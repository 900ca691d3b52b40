using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Xml;
using AaiProxy.Saml.Xml;

namespace AaiProxy.Saml.IdentityProvider;

/// <summary>Writes a saml:EncryptedAssertion (Core 2.3.4): a fresh content key, wrapped with RSA-OAEP
/// to the SP's certificate and placed inline in EncryptedData/KeyInfo, or as a peer of EncryptedData
/// that its KeyInfo references (Core 6.2, OpenSAML's default).</summary>
internal static class AssertionEncryptor
{
    private const string PeerKeyId = "_ek-1";
    private const string PeerKeyName = "content-key-1";
    private const string EncryptedKeyType = "http://www.w3.org/2001/04/xmlenc#EncryptedKey";

    public static string Encrypt(string assertionXml, X509Certificate2 recipient, AssertionContentEncryption content,
        AssertionKeyTransport keyTransport, EncryptedKeyPlacement placement)
    {
        var plaintext = Encoding.UTF8.GetBytes(assertionXml);
        var (contentAlgorithm, key, cipherValue) = EncryptContent(content, plaintext);
        var rsa = CertificateKeys.RsaPublicKey(recipient) ?? throw new InvalidOperationException("The SP certificate has no RSA key.");
        var oaepSha256 = keyTransport == AssertionKeyTransport.RsaOaepSha256;
        var wrappedKey = rsa.Encrypt(key, oaepSha256 ? RSAEncryptionPadding.OaepSHA256 : RSAEncryptionPadding.OaepSHA1);

        var output = new StringBuilder();
        using (var writer = XmlWriter.Create(output, new XmlWriterSettings { OmitXmlDeclaration = true }))
        {
            writer.WriteStartElement("saml", "EncryptedAssertion", SamlNamespaces.Assertion);
            writer.WriteStartElement("xenc", "EncryptedData", SamlNamespaces.XmlEnc);
            writer.WriteAttributeString("Type", XmlSecurityAlgorithms.EncryptedElementType);
            WriteAlgorithm(writer, contentAlgorithm);
            writer.WriteStartElement("ds", "KeyInfo", SamlNamespaces.XmlDsig);
            switch (placement)
            {
                case EncryptedKeyPlacement.PeerByRetrievalMethod:
                    writer.WriteStartElement("ds", "RetrievalMethod", SamlNamespaces.XmlDsig);
                    writer.WriteAttributeString("URI", "#" + PeerKeyId);
                    writer.WriteAttributeString("Type", EncryptedKeyType);
                    writer.WriteEndElement();
                    break;
                case EncryptedKeyPlacement.PeerByKeyName:
                    writer.WriteElementString("ds", "KeyName", SamlNamespaces.XmlDsig, PeerKeyName);
                    break;
                default:
                    WriteEncryptedKey(writer, wrappedKey, oaepSha256, peer: false);
                    break;
            }

            writer.WriteEndElement(); // KeyInfo
            WriteCipherData(writer, cipherValue);
            writer.WriteEndElement(); // EncryptedData
            if (placement != EncryptedKeyPlacement.Inline)
            {
                WriteEncryptedKey(writer, wrappedKey, oaepSha256, peer: true);
            }

            writer.WriteEndElement(); // EncryptedAssertion
        }

        return output.ToString();
    }

    private static (string Algorithm, byte[] Key, byte[] CipherValue) EncryptContent(AssertionContentEncryption content, byte[] plaintext)
    {
        switch (content)
        {
            case AssertionContentEncryption.Aes256Gcm:
                var gcmKey = RandomNumberGenerator.GetBytes(32);
                return (XmlSecurityAlgorithms.Aes256Gcm, gcmKey, EncryptGcm(gcmKey, plaintext));
            case AssertionContentEncryption.TripleDesCbc:
                using (var tripleDes = TripleDES.Create())
                {
                    return (XmlSecurityAlgorithms.TripleDesCbc, tripleDes.Key, EncryptCbc(tripleDes, plaintext));
                }

            default:
                using (var aes = Aes.Create())
                {
                    aes.Key = RandomNumberGenerator.GetBytes(32);
                    return (XmlSecurityAlgorithms.Aes256Cbc, aes.Key, EncryptCbc(aes, plaintext));
                }
        }
    }

    // A peer key carries an Id (for RetrievalMethod) and its CarriedKeyName
    // (for KeyName), in the schema's order: EncryptionMethod, CipherData, …, CarriedKeyName.
    private static void WriteEncryptedKey(XmlWriter writer, byte[] wrappedKey, bool oaepSha256, bool peer)
    {
        writer.WriteStartElement("xenc", "EncryptedKey", SamlNamespaces.XmlEnc);
        if (peer)
        {
            writer.WriteAttributeString("Id", PeerKeyId);
        }

        writer.WriteStartElement("xenc", "EncryptionMethod", SamlNamespaces.XmlEnc);
        writer.WriteAttributeString("Algorithm", oaepSha256 ? XmlSecurityAlgorithms.RsaOaep : XmlSecurityAlgorithms.RsaOaepMgf1p);
        writer.WriteStartElement("ds", "DigestMethod", SamlNamespaces.XmlDsig);
        writer.WriteAttributeString("Algorithm", oaepSha256 ? XmlSecurityAlgorithms.Sha256 : XmlSecurityAlgorithms.Sha1);
        writer.WriteEndElement();
        if (oaepSha256)
        {
            writer.WriteStartElement("xenc11", "MGF", XmlSecurityAlgorithms.XmlEnc11Namespace);
            writer.WriteAttributeString("Algorithm", XmlSecurityAlgorithms.Mgf1Sha256);
            writer.WriteEndElement();
        }

        writer.WriteEndElement(); // EncryptionMethod
        WriteCipherData(writer, wrappedKey);
        if (peer)
        {
            writer.WriteElementString("xenc", "CarriedKeyName", SamlNamespaces.XmlEnc, PeerKeyName);
        }

        writer.WriteEndElement(); // EncryptedKey
    }

    // XML Encryption 1.1, 5.2.4: nonce || ciphertext || tag.
    private static byte[] EncryptGcm(byte[] key, byte[] plaintext)
    {
        var result = new byte[12 + plaintext.Length + 16];
        RandomNumberGenerator.Fill(result.AsSpan(0, 12));
        using var aes = new AesGcm(key, 16);
        aes.Encrypt(result.AsSpan(0, 12), plaintext, result.AsSpan(12, plaintext.Length), result.AsSpan(12 + plaintext.Length));
        return result;
    }

    // XML Encryption 1.1, 5.2.1-5.2.2: IV || ciphertext; PKCS#7 padding satisfies the spec's padding rule.
    private static byte[] EncryptCbc(SymmetricAlgorithm cipher, byte[] plaintext)
    {
        var iv = RandomNumberGenerator.GetBytes(cipher.BlockSize / 8);
        return [.. iv, .. cipher.EncryptCbc(plaintext, iv, PaddingMode.PKCS7)];
    }

    private static void WriteAlgorithm(XmlWriter writer, string algorithm)
    {
        writer.WriteStartElement("xenc", "EncryptionMethod", SamlNamespaces.XmlEnc);
        writer.WriteAttributeString("Algorithm", algorithm);
        writer.WriteEndElement();
    }

    private static void WriteCipherData(XmlWriter writer, byte[] value)
    {
        writer.WriteStartElement("xenc", "CipherData", SamlNamespaces.XmlEnc);
        writer.WriteElementString("xenc", "CipherValue", SamlNamespaces.XmlEnc, Convert.ToBase64String(value));
        writer.WriteEndElement();
    }
}
