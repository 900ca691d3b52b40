using System.Numerics;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Xml;
using AaiProxy.Saml.Xml;

namespace AaiProxy.Saml.Encryption;

/// <summary>One EncryptedKey worth an RSA operation, and the only certificates it is tried with.</summary>
internal sealed record KeyCandidate(XmlElement EncryptedKey, IReadOnlyList<X509Certificate2> Certificates);

/// <summary>
/// Chooses which EncryptedKey elements of an EncryptedAssertion are meant for us, and with which of
/// our certificates, from the structure alone: no key is tried against a certificate it does not
/// belong with, and no reference is followed outside the EncryptedAssertion.
/// </summary>
internal static class EncryptedKeySelector
{
    /// <summary>More EncryptedKey elements than this are refused before any RSA operation: each one
    /// costs a private-key operation per certificate, and the sender has not authenticated yet.</summary>
    public const int MaxEncryptedKeys = 2;

    private const string EncryptedKeyType = "http://www.w3.org/2001/04/xmlenc#EncryptedKey";

    public static int CountEncryptedKeys(XmlElement encryptedAssertion) =>
        encryptedAssertion.GetElementsByTagName("EncryptedKey", SamlNamespaces.XmlEnc).Count;

    public static List<KeyCandidate> Select(XmlElement encryptedAssertion, XmlElement encryptedData, DecryptionRules rules)
    {
        var keys = KeysFor(encryptedAssertion, encryptedData)
            .Where(key => key.AttributeOrNull("Recipient") is not { } recipient || recipient == rules.ServiceProviderEntityId)
            .Select(key => new KeyCandidate(key, CertificatesNamedBy(key, rules.Certificates)))
            .Where(candidate => candidate.Certificates.Count > 0)
            .ToList();
        return keys.Count > 0
            ? keys
            : throw EncryptedAssertionDecryptor.Failed("No EncryptedKey is addressed to us (Recipient) or to one of our certificates.");
    }

    // Core 2.3.4 and 6.2: keys are inline (EncryptedData/KeyInfo/EncryptedKey) or peers of the
    // EncryptedData inside the EncryptedAssertion. When EncryptedData's KeyInfo names a peer — by a
    // same-document RetrievalMethod or by a KeyName equal to its CarriedKeyName — only that peer is used.
    private static List<XmlElement> KeysFor(XmlElement encryptedAssertion, XmlElement encryptedData)
    {
        var keyInfo = encryptedData.ChildElements(SamlNamespaces.XmlDsig, "KeyInfo").FirstOrDefault();
        var inline = keyInfo?.ChildElements(SamlNamespaces.XmlEnc, "EncryptedKey").ToList() ?? [];
        var peers = encryptedAssertion.ChildElements(SamlNamespaces.XmlEnc, "EncryptedKey").ToList();
        var referenced = keyInfo is null ? [] : ReferencedPeers(keyInfo, peers);
        var keys = inline.Concat(referenced.Count > 0 ? referenced : peers).ToList();
        return keys.Count > 0 ? keys : throw EncryptedAssertionDecryptor.Failed("The encrypted assertion carries no EncryptedKey.");
    }

    private static List<XmlElement> ReferencedPeers(XmlElement keyInfo, List<XmlElement> peers)
    {
        var referenced = new List<XmlElement>();
        foreach (var retrieval in keyInfo.ChildElements(SamlNamespaces.XmlDsig, "RetrievalMethod"))
        {
            referenced.Add(PeerNamedByRetrievalMethod(retrieval, peers));
        }

        foreach (var keyName in keyInfo.ChildElements(SamlNamespaces.XmlDsig, "KeyName").Select(name => name.WholeText()))
        {
            referenced.AddRange(peers.Where(peer => peer.ChildElements(SamlNamespaces.XmlEnc, "CarriedKeyName")
                .Any(carried => carried.WholeText() == keyName)));
        }

        return referenced.Distinct().ToList();
    }

    // XML Signature 4.5.3 allows any URI; we resolve only "#id" naming a peer EncryptedKey of this
    // EncryptedAssertion, and never fetch, search the document, or apply transforms.
    private static XmlElement PeerNamedByRetrievalMethod(XmlElement retrieval, List<XmlElement> peers)
    {
        var uri = retrieval.AttributeOrNull("URI") ?? "";
        if (retrieval.AttributeOrNull("Type") != EncryptedKeyType || !uri.StartsWith('#') || retrieval.ChildElements().Any())
        {
            throw EncryptedAssertionDecryptor.Failed(
                $"The RetrievalMethod '{uri}' is not a same-document reference to an EncryptedKey; it is never followed.");
        }

        var id = uri[1..];
        var named = peers.Where(peer => peer.AttributeOrNull("Id") == id).ToList();
        return named.Count == 1
            ? named[0]
            : throw EncryptedAssertionDecryptor.Failed(
                $"The RetrievalMethod '{uri}' names no EncryptedKey beside the EncryptedData; it is never followed elsewhere.");
    }

    // XML Signature 4.5: the EncryptedKey's KeyInfo may name the certificate it was wrapped for. An
    // exact X.509 name that is not one of ours means the key is someone else's; a KeyName that names
    // none of ours is only a hint, and then every certificate of ours is tried (at most two keys).
    private static IReadOnlyList<X509Certificate2> CertificatesNamedBy(XmlElement encryptedKey, IReadOnlyList<X509Certificate2> ours)
    {
        var keyInfo = encryptedKey.ChildElements(SamlNamespaces.XmlDsig, "KeyInfo").FirstOrDefault();
        if (keyInfo is null)
        {
            return ours;
        }

        var x509Data = keyInfo.ChildElements(SamlNamespaces.XmlDsig, "X509Data").SelectMany(data => data.ChildElements()).ToList();
        if (x509Data.Count > 0)
        {
            return ours.Where(certificate => x509Data.Any(item => Names(item, certificate))).ToList();
        }

        var keyNames = keyInfo.ChildElements(SamlNamespaces.XmlDsig, "KeyName").Select(name => name.WholeText()?.Trim()).ToList();
        var named = ours.Where(certificate => keyNames.Any(name => NamedByKeyName(name, certificate))).ToList();
        return named.Count > 0 ? named : ours;
    }

    private static bool Names(XmlElement x509Item, X509Certificate2 certificate) => x509Item.LocalName switch
    {
        "X509Certificate" => FromBase64(x509Item.WholeText()) is { } der && der.AsSpan().SequenceEqual(certificate.RawData),
        "X509SKI" => FromBase64(x509Item.WholeText()) is { } ski && SubjectKeyIdentifier(certificate) is { } ours && ski.AsSpan().SequenceEqual(ours),
        "X509IssuerSerial" => IssuerSerialNames(x509Item, certificate),
        _ => false,
    };

    private static bool IssuerSerialNames(XmlElement issuerSerial, X509Certificate2 certificate)
    {
        var issuer = issuerSerial.ChildElements(SamlNamespaces.XmlDsig, "X509IssuerName").FirstOrDefault()?.WholeText();
        var serial = issuerSerial.ChildElements(SamlNamespaces.XmlDsig, "X509SerialNumber").FirstOrDefault()?.WholeText();
        if (issuer is null || !BigInteger.TryParse(serial, out var serialNumber))
        {
            return false;
        }

        try
        {
            var sameIssuer = new X500DistinguishedName(issuer).Name == certificate.IssuerName.Name;
            return sameIssuer && serialNumber == new BigInteger(certificate.GetSerialNumber(), isUnsigned: true);
        }
        catch (CryptographicException)
        {
            return false; // not a distinguished name
        }
    }

    private static bool NamedByKeyName(string? keyName, X509Certificate2 certificate) =>
        !string.IsNullOrEmpty(keyName)
        && (keyName == certificate.Subject
            || keyName == certificate.GetNameInfo(X509NameType.SimpleName, forIssuer: false)
            || string.Equals(keyName, certificate.Thumbprint, StringComparison.OrdinalIgnoreCase));

    private static byte[]? SubjectKeyIdentifier(X509Certificate2 certificate) =>
        certificate.Extensions.OfType<X509SubjectKeyIdentifierExtension>().FirstOrDefault()?.SubjectKeyIdentifierBytes.ToArray();

    private static byte[]? FromBase64(string? text)
    {
        var buffer = new byte[((text?.Length ?? 0) + 3) / 4 * 3];
        return Convert.TryFromBase64String(text ?? "", buffer, out var written) && written > 0 ? buffer[..written] : null;
    }
}
