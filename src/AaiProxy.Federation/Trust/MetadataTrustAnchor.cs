using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace AaiProxy.Federation.Trust;

/// <summary>
/// What a metadata source trusts to sign its documents: a pinned certificate (its key verifies,
/// whatever <c>KeyInfo</c> says), or the SHA-256 fingerprint of the certificate that the document's
/// <c>KeyInfo</c> must carry (eduGAIN publishes its signer's fingerprint).
/// </summary>
public sealed class MetadataTrustAnchor
{
    private MetadataTrustAnchor(X509Certificate2? certificate, byte[]? sha256Fingerprint)
    {
        Certificate = certificate;
        Sha256Fingerprint = sha256Fingerprint;
    }

    internal X509Certificate2? Certificate { get; }

    internal byte[]? Sha256Fingerprint { get; }

    public static MetadataTrustAnchor FromCertificate(X509Certificate2 certificate)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        return new MetadataTrustAnchor(certificate, null);
    }

    /// <summary>A PEM or DER certificate file.</summary>
    public static MetadataTrustAnchor FromCertificateFile(string path) =>
        FromCertificate(X509CertificateLoader.LoadCertificateFromFile(path));

    /// <summary>Hex, with or without colons or spaces, any case (as <c>openssl x509 -fingerprint -sha256</c> prints it).</summary>
    public static MetadataTrustAnchor FromSha256Fingerprint(string fingerprint)
    {
        ArgumentNullException.ThrowIfNull(fingerprint);
        var hex = string.Concat(fingerprint.Where(c => c is not (':' or ' ')));
        byte[] bytes;
        try
        {
            bytes = Convert.FromHexString(hex);
        }
        catch (FormatException ex)
        {
            throw new ArgumentException($"'{fingerprint}' is not a hexadecimal SHA-256 fingerprint.", nameof(fingerprint), ex);
        }

        return bytes.Length == SHA256.HashSizeInBytes
            ? new MetadataTrustAnchor(null, bytes)
            : throw new ArgumentException($"A SHA-256 fingerprint has 32 bytes; '{fingerprint}' has {bytes.Length}.", nameof(fingerprint));
    }

    /// <summary>The certificate whose key must verify the document, chosen from the anchor alone or,
    /// for a fingerprint, among the KeyInfo certificates; null when none is trusted.</summary>
    internal X509Certificate2? SelectSigner(IEnumerable<X509Certificate2> keyInfoCertificates) =>
        Certificate ?? keyInfoCertificates.FirstOrDefault(c =>
            CryptographicOperations.FixedTimeEquals(c.GetCertHash(HashAlgorithmName.SHA256), Sha256Fingerprint));
}
