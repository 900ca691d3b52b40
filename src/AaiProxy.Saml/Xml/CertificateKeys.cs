using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace AaiProxy.Saml.Xml;

/// <summary>
/// The RSA keys of a certificate, taken out once per certificate object and kept while it lives. Taking a key out
/// of a certificate decodes it again each time (about 0.1 ms with OpenSSL 3 for a public key, several times per
/// login); trusted metadata and our own settings hold their certificate objects for as long as that version is in
/// use, so a metadata refresh or key rollover (new certificate objects) brings new keys and the old ones go with
/// their certificates. Which certificates are trusted is still decided by the caller alone. The keys are shared:
/// callers never dispose them.
/// </summary>
internal static class CertificateKeys
{
    private static readonly ConditionalWeakTable<X509Certificate2, Keys> Cache = new();

    /// <summary>The certificate's RSA public key, or null when it has none.</summary>
    public static RSA? RsaPublicKey(X509Certificate2 certificate) => KeysOf(certificate).Public.Value;

    /// <summary>The certificate's RSA private key, or null when it has none.</summary>
    public static RSA? RsaPrivateKey(X509Certificate2 certificate) => KeysOf(certificate).Private.Value;

    private static Keys KeysOf(X509Certificate2 certificate)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        return Cache.GetValue(certificate, static c => new Keys(c));
    }

    private sealed class Keys(X509Certificate2 certificate)
    {
        public Lazy<RSA?> Public { get; } = new(certificate.GetRSAPublicKey);

        public Lazy<RSA?> Private { get; } = new(certificate.GetRSAPrivateKey);
    }
}
