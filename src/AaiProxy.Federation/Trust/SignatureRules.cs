using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Xml.Linq;
using AaiProxy.Federation.Reading;
using AaiProxy.Saml;
using AaiProxy.Saml.Xml;

namespace AaiProxy.Federation.Trust;

/// <summary>The public-key algorithm a signature method names.</summary>
internal enum SignatureKeyKind
{
    Rsa,
    Ecdsa,
}

/// <summary>What a signature that passed every structural rule asks the verifier to check.</summary>
internal sealed record CheckedSignature(
    SignatureKeyKind KeyKind,
    HashAlgorithmName SignatureHash,
    HashAlgorithmName DigestHash,
    byte[] DigestValue,
    byte[] SignatureValue,
    X509Certificate2 Signer,
    IReadOnlyList<string> DigestInclusivePrefixes)
{
    // XMLDSig 6.4.2 (RSASSA-PKCS1-v1_5) and RFC 4051 3.3 / XMLDSig 1.1 6.4.3 (ECDSA: r || s, fixed width).
    public bool VerifiesSignedInfo(byte[] canonicalSignedInfo)
    {
        if (KeyKind == SignatureKeyKind.Rsa)
        {
            using var rsa = Signer.GetRSAPublicKey()!;
            return rsa.VerifyData(canonicalSignedInfo, SignatureValue, SignatureHash, RSASignaturePadding.Pkcs1);
        }

        using var ecdsa = Signer.GetECDsaPublicKey()!;
        return ecdsa.VerifyData(canonicalSignedInfo, SignatureValue, SignatureHash, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
    }
}

/// <summary>
/// The structural rules for a metadata document's enveloped signature: the eduGAIN Metadata
/// Aggregation Practice Statement (MAPS) and SAML Core 5.4. One rule per method; any deviation
/// rejects the whole document. They read the <c>ds:Signature</c> element alone (a few kilobytes).
/// </summary>
internal static class SignatureRules
{
    private static readonly XNamespace Ds = SamlNamespaces.XmlDsig;

    public const string EcdsaSha256 = "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256";
    public const string EcdsaSha384 = "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha384";
    public const string EcdsaSha512 = "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha512";

    private static readonly Dictionary<string, (SignatureKeyKind Kind, HashAlgorithmName Hash)> SignatureMethods = new(StringComparer.Ordinal)
    {
        [XmlSecurityAlgorithms.RsaSha256] = (SignatureKeyKind.Rsa, HashAlgorithmName.SHA256),
        [XmlSecurityAlgorithms.RsaSha384] = (SignatureKeyKind.Rsa, HashAlgorithmName.SHA384),
        [XmlSecurityAlgorithms.RsaSha512] = (SignatureKeyKind.Rsa, HashAlgorithmName.SHA512),
        [EcdsaSha256] = (SignatureKeyKind.Ecdsa, HashAlgorithmName.SHA256),
        [EcdsaSha384] = (SignatureKeyKind.Ecdsa, HashAlgorithmName.SHA384),
        [EcdsaSha512] = (SignatureKeyKind.Ecdsa, HashAlgorithmName.SHA512),
    };

    private static readonly Dictionary<string, HashAlgorithmName> DigestMethods = new(StringComparer.Ordinal)
    {
        [XmlSecurityAlgorithms.Sha256] = HashAlgorithmName.SHA256,
        [XmlSecurityAlgorithms.Sha384] = HashAlgorithmName.SHA384,
        [XmlSecurityAlgorithms.Sha512] = HashAlgorithmName.SHA512,
    };

    private const int MinimumRsaBits = 2048;
    private const int MinimumEcBits = 256;

    /// <param name="documentId">The document element's ID attribute, if it has one.</param>
    public static CheckedSignature Check(XElement signature, string? documentId, MetadataTrustAnchor anchor)
    {
        var signedInfo = RequireOne(signature, "SignedInfo");
        RequireExclusiveCanonicalization(signedInfo);
        var (keyKind, signatureHash) = RequireAllowedSignatureMethod(signedInfo);
        var reference = RequireOne(signedInfo, "Reference");
        RequireReferenceToDocumentElement(documentId, reference);
        var inclusivePrefixes = RequireAllowedTransforms(reference);
        var digestHash = RequireAllowedDigestMethod(reference);
        var signer = RequireTrustedSigner(signature, anchor);
        RequireStrongKeyOfTheMethodsKind(signer, keyKind);
        return new CheckedSignature(keyKind, signatureHash, digestHash,
            Base64(RequireOne(reference, "DigestValue"), "DigestValue"),
            Base64(RequireOne(signature, "SignatureValue"), "SignatureValue"),
            signer, inclusivePrefixes);
    }

    // MAPS: exclusive canonicalization only. SignedInfo is canonicalized as it streams past, before
    // its CanonicalizationMethod could name a PrefixList, so one there is refused, never approximated.
    private static void RequireExclusiveCanonicalization(XElement signedInfo)
    {
        var method = RequireOne(signedInfo, "CanonicalizationMethod");
        var algorithm = (string?)method.Attribute("Algorithm");
        if (algorithm != XmlSecurityAlgorithms.ExclusiveC14n || method.HasElements)
        {
            throw new MetadataRejectedException(MetadataRejection.SignatureTransformNotAllowed,
                $"Canonicalization '{algorithm}'{(method.HasElements ? " with parameters" : "")} is not allowed; only exclusive canonicalization is.");
        }
    }

    // MAPS: RSA-SHA256 or stronger, or ECDSA with SHA-256 or stronger.
    private static (SignatureKeyKind, HashAlgorithmName) RequireAllowedSignatureMethod(XElement signedInfo)
    {
        var algorithm = (string?)RequireOne(signedInfo, "SignatureMethod").Attribute("Algorithm");
        return algorithm is not null && SignatureMethods.TryGetValue(algorithm, out var method)
            ? method
            : throw new MetadataRejectedException(MetadataRejection.SignatureAlgorithmNotAllowed,
                $"Signature method '{algorithm}' is not allowed; RSA or ECDSA with SHA-256 or stronger is required.");
    }

    // MAPS / SAML Core 5.4.2: an explicit "#ID" reference to the document element.
    private static void RequireReferenceToDocumentElement(string? documentId, XElement reference)
    {
        var uri = (string?)reference.Attribute("URI");
        if (string.IsNullOrEmpty(documentId) || uri != "#" + documentId)
        {
            throw new MetadataRejectedException(MetadataRejection.SignatureReferenceMismatch,
                $"The signature references '{uri}', not the document element (ID '{documentId}').");
        }
    }

    private static readonly XNamespace ExcC14n = XmlSecurityAlgorithms.ExclusiveC14n;

    // MAPS: the enveloped-signature transform, then optionally exclusive c14n, whose only allowed
    // parameter is an InclusiveNamespaces PrefixList (exc-c14n 3.1); nothing else.
    private static IReadOnlyList<string> RequireAllowedTransforms(XElement reference)
    {
        var lists = reference.Elements(Ds + "Transforms").ToList();
        var transforms = lists.Count == 1 ? lists[0].Elements().ToList() : [];
        var algorithms = transforms.Select(t => t.Name == Ds + "Transform" ? (string?)t.Attribute("Algorithm") : null).ToList();
        var allowed = algorithms is [XmlSecurityAlgorithms.EnvelopedSignature]
                      or [XmlSecurityAlgorithms.EnvelopedSignature, XmlSecurityAlgorithms.ExclusiveC14n];
        if (!allowed || lists.Count != 1 || transforms[0].HasElements)
        {
            throw new MetadataRejectedException(MetadataRejection.SignatureTransformNotAllowed,
                $"Transforms [{string.Join(", ", algorithms)}] are not allowed; only enveloped-signature then exclusive canonicalization are.");
        }

        var parameters = transforms.Count == 2 ? transforms[1].Elements().ToList() : [];
        return parameters switch
        {
            [] => [],
            [var inclusive] when inclusive.Name == ExcC14n + "InclusiveNamespaces" && inclusive.Attribute("PrefixList") is { } list =>
                list.Value.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries),
            _ => throw new MetadataRejectedException(MetadataRejection.SignatureTransformNotAllowed,
                "The exclusive canonicalization transform has parameters other than one InclusiveNamespaces PrefixList."),
        };
    }

    // MAPS: SHA-256 or stronger.
    private static HashAlgorithmName RequireAllowedDigestMethod(XElement reference)
    {
        var algorithm = (string?)RequireOne(reference, "DigestMethod").Attribute("Algorithm");
        return algorithm is not null && DigestMethods.TryGetValue(algorithm, out var hash)
            ? hash
            : throw new MetadataRejectedException(MetadataRejection.SignatureAlgorithmNotAllowed,
                $"Digest method '{algorithm}' is not allowed; SHA-256 or stronger is required.");
    }

    private static X509Certificate2 RequireTrustedSigner(XElement signature, MetadataTrustAnchor anchor)
    {
        var keyInfoCertificates = signature.Elements(Ds + "KeyInfo").Elements(Ds + "X509Data").Elements(Ds + "X509Certificate")
            .Select(c => TryLoad(c.Value));
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

    // MAPS: RSA keys of at least 2048 bits, EC keys of at least 256 (P-256); the key must be of the
    // kind the signature method names.
    private static void RequireStrongKeyOfTheMethodsKind(X509Certificate2 signer, SignatureKeyKind kind)
    {
        using AsymmetricAlgorithm? key = kind == SignatureKeyKind.Rsa ? signer.GetRSAPublicKey() : signer.GetECDsaPublicKey();
        var minimum = kind == SignatureKeyKind.Rsa ? MinimumRsaBits : MinimumEcBits;
        if (key is null || key.KeySize < minimum)
        {
            throw new MetadataRejectedException(MetadataRejection.KeyTooWeak,
                $"The signing key is {(key is null ? $"not {kind}" : $"{kind}-{key.KeySize}")}; {kind} of {minimum} bits or more is required.");
        }
    }

    private static byte[] Base64(XElement element, string name)
    {
        try
        {
            return Convert.FromBase64String(string.Concat(element.Value.Where(c => !char.IsWhiteSpace(c))));
        }
        catch (FormatException ex)
        {
            throw new MetadataRejectedException(MetadataRejection.SignatureStructureInvalid, $"The {name} is not base64.", ex);
        }
    }

    private static XElement RequireOne(XElement parent, string localName)
    {
        var elements = parent.Elements(Ds + localName).ToList();
        return elements.Count == 1
            ? elements[0]
            : throw new MetadataRejectedException(MetadataRejection.SignatureStructureInvalid,
                $"{parent.Name.LocalName} has {elements.Count} {localName} elements; exactly one is required.");
    }
}
