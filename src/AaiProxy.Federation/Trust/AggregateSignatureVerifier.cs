using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Security.Cryptography.Xml;
using System.Xml;
using AaiProxy.Federation.Reading;
using AaiProxy.Saml.Xml;

namespace AaiProxy.Federation.Trust;

/// <summary>
/// Verifies the enveloped signature of a metadata document's element against the source's trust
/// anchor, following the eduGAIN Metadata Aggregation Practice Statement (MAPS) and SAML Core 5.4.
/// One rule per method; any deviation rejects the whole document.
/// </summary>
internal static class AggregateSignatureVerifier
{
    private static readonly HashSet<string> SignatureMethods =
        [XmlSecurityAlgorithms.RsaSha256, XmlSecurityAlgorithms.RsaSha384, XmlSecurityAlgorithms.RsaSha512];

    private static readonly HashSet<string> DigestMethods =
        [XmlSecurityAlgorithms.Sha256, XmlSecurityAlgorithms.Sha384, XmlSecurityAlgorithms.Sha512];

    private const int MinimumRsaBits = 2048;

    public static void Verify(XmlDocument document, MetadataTrustAnchor anchor)
    {
        var signed = document.DocumentElement!;
        var signature = RequireOneSignature(signed);
        var signedInfo = RequireOne(signature, "SignedInfo");
        RequireExclusiveCanonicalization(signedInfo);
        RequireAllowedSignatureMethod(signedInfo);
        var reference = RequireOne(signedInfo, "Reference");
        var id = RequireReferenceToDocumentElement(signed, reference);
        RequireIdOccursOnce(document, id);
        RequireAllowedTransforms(reference);
        RequireAllowedDigestMethod(reference);
        var signer = RequireTrustedSigner(signature, anchor);
        RequireStrongKey(signer);
        RequireValidSignature(signed, id, signature, signer);
    }

    // MAPS: the aggregate is signed by an enveloped signature on its document element.
    private static XmlElement RequireOneSignature(XmlElement signed)
    {
        var signatures = Children(signed, "Signature");
        return signatures.Count switch
        {
            0 => throw new MetadataRejectedException(MetadataRejection.SignatureMissing, "The metadata is not signed."),
            1 => signatures[0],
            _ => throw new MetadataRejectedException(MetadataRejection.SignatureStructureInvalid,
                $"The metadata has {signatures.Count} Signature elements."),
        };
    }

    // MAPS: exclusive canonicalization only.
    private static void RequireExclusiveCanonicalization(XmlElement signedInfo)
    {
        var algorithm = AlgorithmOf(signedInfo, "CanonicalizationMethod");
        if (algorithm != XmlSecurityAlgorithms.ExclusiveC14n)
        {
            throw new MetadataRejectedException(MetadataRejection.SignatureTransformNotAllowed,
                $"Canonicalization '{algorithm}' is not allowed; only exclusive canonicalization is.");
        }
    }

    // MAPS: RSA-SHA256 or stronger. (ECDSA is allowed by MAPS but not verified by SignedXml here yet.)
    private static void RequireAllowedSignatureMethod(XmlElement signedInfo)
    {
        var algorithm = AlgorithmOf(signedInfo, "SignatureMethod");
        if (algorithm is null || !SignatureMethods.Contains(algorithm))
        {
            throw new MetadataRejectedException(MetadataRejection.SignatureAlgorithmNotAllowed,
                $"Signature method '{algorithm}' is not allowed; RSA with SHA-256 or stronger is required.");
        }
    }

    // MAPS / SAML Core 5.4.2: an explicit "#ID" reference to the signed (document) element.
    private static string RequireReferenceToDocumentElement(XmlElement signed, XmlElement reference)
    {
        var id = signed.GetAttributeNode("ID")?.Value;
        var uri = reference.GetAttributeNode("URI")?.Value;
        if (string.IsNullOrEmpty(id) || uri != "#" + id)
        {
            throw new MetadataRejectedException(MetadataRejection.SignatureReferenceMismatch,
                $"The signature references '{uri}', not the document element (ID '{id}').");
        }

        return id;
    }

    // The ID must name one element, whatever attribute a resolver might treat as an ID.
    private static void RequireIdOccursOnce(XmlDocument document, string id)
    {
        var occurrences = 0;
        foreach (XmlElement element in document.GetElementsByTagName("*"))
        {
            foreach (XmlAttribute attribute in element.Attributes)
            {
                if (attribute.LocalName is "ID" or "Id" or "id" && attribute.Value == id)
                {
                    occurrences++;
                }
            }
        }

        if (occurrences != 1)
        {
            throw new MetadataRejectedException(MetadataRejection.DuplicateId, $"The signed ID '{id}' occurs {occurrences} times.");
        }
    }

    // MAPS: only enveloped-signature and exclusive c14n, the enveloped one required.
    private static void RequireAllowedTransforms(XmlElement reference)
    {
        var transformLists = Children(reference, "Transforms");
        var algorithms = transformLists.Count == 1
            ? transformLists[0].ChildNodes.OfType<XmlElement>()
                .Select(t => t.LocalName == "Transform" && t.NamespaceURI == FederationUris.XmlDsig ? t.GetAttributeNode("Algorithm")?.Value : null)
                .ToList()
            : [];
        var allowed = algorithms.All(a => a is XmlSecurityAlgorithms.EnvelopedSignature or XmlSecurityAlgorithms.ExclusiveC14n);
        if (!allowed || algorithms.Distinct().Count() != algorithms.Count || !algorithms.Contains(XmlSecurityAlgorithms.EnvelopedSignature))
        {
            throw new MetadataRejectedException(MetadataRejection.SignatureTransformNotAllowed,
                $"Transforms [{string.Join(", ", algorithms)}] are not allowed; only enveloped-signature and exclusive canonicalization are.");
        }
    }

    // MAPS: SHA-256 or stronger.
    private static void RequireAllowedDigestMethod(XmlElement reference)
    {
        var algorithm = AlgorithmOf(reference, "DigestMethod");
        if (algorithm is null || !DigestMethods.Contains(algorithm))
        {
            throw new MetadataRejectedException(MetadataRejection.SignatureAlgorithmNotAllowed,
                $"Digest method '{algorithm}' is not allowed; SHA-256 or stronger is required.");
        }
    }

    private static X509Certificate2 RequireTrustedSigner(XmlElement signature, MetadataTrustAnchor anchor)
    {
        var keyInfoCertificates = Children(signature, "KeyInfo")
            .SelectMany(k => Children(k, "X509Data"))
            .SelectMany(d => Children(d, "X509Certificate"))
            .Select(c => TryLoad(c.InnerText));
        return anchor.SelectSigner(keyInfoCertificates.OfType<X509Certificate2>())
               ?? throw new MetadataRejectedException(MetadataRejection.UntrustedSigner,
                   "No certificate in the signature's KeyInfo has the pinned SHA-256 fingerprint.");
    }

    private static X509Certificate2? TryLoad(string base64)
    {
        try
        {
            return X509CertificateLoader.LoadCertificate(Convert.FromBase64String(string.Concat(base64.Where(c => !char.IsWhiteSpace(c)))));
        }
        catch (Exception ex) when (ex is FormatException or CryptographicException)
        {
            return null;
        }
    }

    // MAPS: RSA keys of at least 2048 bits.
    private static void RequireStrongKey(X509Certificate2 signer)
    {
        using var rsa = signer.GetRSAPublicKey();
        if (rsa is null || rsa.KeySize < MinimumRsaBits)
        {
            throw new MetadataRejectedException(MetadataRejection.KeyTooWeak,
                $"The signing key is {(rsa is null ? "not RSA" : $"RSA-{rsa.KeySize}")}; RSA-{MinimumRsaBits} or stronger is required.");
        }
    }

    private static void RequireValidSignature(XmlElement signed, string id, XmlElement signature, X509Certificate2 signer)
    {
        try
        {
            var signedXml = new DocumentElementSignedXml(signed, id);
            signedXml.LoadXml(signature);
            if (signedXml.CheckSignature(signer, verifySignatureOnly: true))
            {
                return;
            }
        }
        catch (Exception ex) when (ex is CryptographicException or FormatException or XmlException)
        {
            throw new MetadataRejectedException(MetadataRejection.SignatureInvalid, $"The metadata signature could not be checked: {ex.Message}", ex);
        }

        throw new MetadataRejectedException(MetadataRejection.SignatureInvalid, "The metadata signature does not verify with the trusted key.");
    }

    private static XmlElement RequireOne(XmlElement parent, string localName)
    {
        var elements = Children(parent, localName);
        return elements.Count == 1
            ? elements[0]
            : throw new MetadataRejectedException(MetadataRejection.SignatureStructureInvalid,
                $"{parent.LocalName} has {elements.Count} {localName} elements; exactly one is required.");
    }

    private static string? AlgorithmOf(XmlElement parent, string localName) =>
        RequireOne(parent, localName).GetAttributeNode("Algorithm")?.Value;

    private static List<XmlElement> Children(XmlElement parent, string localName) =>
        parent.ChildNodes.OfType<XmlElement>()
            .Where(e => e.LocalName == localName && e.NamespaceURI == FederationUris.XmlDsig)
            .ToList();

    /// <summary>A SignedXml that resolves only the document element, so no reference can be redirected.</summary>
    private sealed class DocumentElementSignedXml : SignedXml
    {
        private readonly XmlElement _signed;
        private readonly string _id;

        public DocumentElementSignedXml(XmlElement signed, string id)
            : base(signed)
        {
            _signed = signed;
            _id = id;
        }

        public override XmlElement? GetIdElement(XmlDocument? document, string idValue) => idValue == _id ? _signed : null;
    }
}
