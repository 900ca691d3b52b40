using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Xml;
using AaiProxy.Saml.Xml;

namespace AaiProxy.Saml.IdentityProvider;

/// <summary>Writes a saml:EncryptedAssertion (Core 2.3.4): a fresh AES-256 content key, wrapped with
/// RSA-OAEP to the SP's certificate and placed inline in EncryptedData/KeyInfo.</summary>
internal static class AssertionEncryptor
{
    public static string Encrypt(string assertionXml, X509Certificate2 recipient, AssertionContentEncryption content,
        AssertionKeyTransport keyTransport)
    {
        var plaintext = Encoding.UTF8.GetBytes(assertionXml);
        var key = RandomNumberGenerator.GetBytes(32);
        var (contentAlgorithm, cipherValue) = content switch
        {
            AssertionContentEncryption.Aes256Gcm => (XmlSecurityAlgorithms.Aes256Gcm, EncryptGcm(key, plaintext)),
            _ => (XmlSecurityAlgorithms.Aes256Cbc, EncryptCbc(key, plaintext)),
        };
        using var rsa = recipient.GetRSAPublicKey() ?? throw new InvalidOperationException("The SP certificate has no RSA key.");
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
            writer.WriteStartElement("xenc", "EncryptedKey", SamlNamespaces.XmlEnc);
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
            writer.WriteEndElement(); // EncryptedKey
            writer.WriteEndElement(); // KeyInfo
            WriteCipherData(writer, cipherValue);
            writer.WriteEndElement(); // EncryptedData
            writer.WriteEndElement(); // EncryptedAssertion
        }

        return output.ToString();
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

    // XML Encryption 1.1, 5.2.1: IV || ciphertext; PKCS#7 padding satisfies the spec's padding rule.
    private static byte[] EncryptCbc(byte[] key, byte[] plaintext)
    {
        using var aes = Aes.Create();
        aes.Key = key;
        var iv = RandomNumberGenerator.GetBytes(16);
        return [.. iv, .. aes.EncryptCbc(plaintext, iv, PaddingMode.PKCS7)];
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
