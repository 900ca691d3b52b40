using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Xml;
using AaiProxy.Saml.Xml;

namespace AaiProxy.Saml.Bindings;

/// <summary>
/// A message decoded from an HTTP-Redirect query. Its content is untrusted until
/// <see cref="VerifySignature"/> has succeeded with keys from the sender's metadata.
/// </summary>
public sealed class HttpRedirectMessage
{
    private readonly RedirectSignature? _signature;

    internal HttpRedirectMessage(SamlMessageKind kind, XmlDocument document, string? relayState, RedirectSignature? signature)
    {
        Kind = kind;
        Document = document;
        RelayState = relayState;
        _signature = signature;
    }

    public SamlMessageKind Kind { get; }

    /// <summary>The inflated message, parsed by <see cref="Xml.SafeXml"/>.</summary>
    public XmlDocument Document { get; }

    public string? RelayState { get; }

    /// <summary>Whether the query carried <c>SigAlg</c> and <c>Signature</c> (not whether they verify).</summary>
    public bool IsSigned => _signature is not null;

    /// <summary>The <c>SigAlg</c> as received, if signed.</summary>
    public string? SignatureAlgorithm => _signature?.Algorithm;

    /// <summary>
    /// Verifies the query signature (Bindings 3.4.4.1) with the given certificates only; a key the
    /// sender supplies never counts. Succeeds when any one certificate verifies it (key rollover).
    /// </summary>
    /// <param name="trustedCertificates">Signing certificates from the sender's trusted metadata.</param>
    /// <param name="allowSha1">Accept RSA-SHA1, for a peer explicitly configured for it.</param>
    /// <exception cref="SamlBindingException">Unsigned, weak or unsupported algorithm, or no certificate verifies.</exception>
    public void VerifySignature(IEnumerable<X509Certificate2> trustedCertificates, bool allowSha1 = false)
    {
        ArgumentNullException.ThrowIfNull(trustedCertificates);
        if (_signature is null)
        {
            throw new SamlBindingException(SamlBindingError.MissingSignature, "The message is not signed.");
        }

        var hash = RedirectSignatureAlgorithms.HashFor(_signature.Algorithm, allowSha1);
        foreach (var certificate in trustedCertificates)
        {
            var key = CertificateKeys.RsaPublicKey(certificate);
            if (key is not null && key.VerifyData(_signature.SignedOctets, _signature.Value, hash, RSASignaturePadding.Pkcs1))
            {
                return;
            }
        }

        throw new SamlBindingException(SamlBindingError.InvalidSignature,
            "The message signature does not verify with any trusted certificate of the sender.");
    }
}

/// <summary>The query signature as received: algorithm, signature value, and the exact octets it covers.</summary>
internal sealed record RedirectSignature(string Algorithm, byte[] Value, byte[] SignedOctets);
