using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Security.Cryptography.Xml;
using System.Xml;
using AaiProxy.Saml.Xml;

namespace AaiProxy.Saml.Validation;

/// <summary>
/// Verifies the enveloped XML signature of one element (a Response or an Assertion) with keys from
/// trusted metadata only. Each rule is its own method; together they make sure the signature covers
/// exactly the element the caller holds and will read from, which is what defeats signature wrapping.
/// </summary>
internal static class EnvelopedSignatureVerifier
{
    private static readonly HashSet<string> StrongSignatureMethods =
        [XmlSecurityAlgorithms.RsaSha256, XmlSecurityAlgorithms.RsaSha384, XmlSecurityAlgorithms.RsaSha512];

    private static readonly HashSet<string> StrongDigestMethods =
        [XmlSecurityAlgorithms.Sha256, XmlSecurityAlgorithms.Sha384, XmlSecurityAlgorithms.Sha512];

    /// <summary>The element's own signature: a direct child (Core 5.4.1), or null when unsigned.
    /// Signatures anywhere else are not looked at, so they can never vouch for this element.</summary>
    public static XmlElement? FindSignature(XmlElement signed)
    {
        var signatures = signed.ChildElements(SamlNamespaces.XmlDsig, "Signature").ToList();
        return signatures.Count switch
        {
            0 => null,
            1 => signatures[0],
            _ => throw new SamlValidationException(SamlValidationError.SignatureStructureInvalid,
                $"The {signed.LocalName} has {signatures.Count} Signature elements."),
        };
    }

    public static void Verify(XmlElement signed, XmlElement signature, IReadOnlyList<X509Certificate2> trustedCertificates,
        IdentityProviderPolicy policy)
    {
        var signedInfo = RequireSignedInfo(signature);
        RequireExclusiveCanonicalization(signedInfo);
        RequireAllowedSignatureMethod(signedInfo, policy);
        var reference = RequireSingleReference(signedInfo);
        var id = RequireReferenceToSignedElement(signed, reference);
        RequireIdOccursOnce(signed.OwnerDocument, id);
        RequireAllowedTransforms(reference);
        RequireAllowedDigestMethod(reference, policy);
        RequireValidSignatureByTrustedKey(signed, id, signature, trustedCertificates);
    }

    // Core 5.4.1 / XMLDSig 4.4: exactly one SignedInfo.
    private static XmlElement RequireSignedInfo(XmlElement signature)
    {
        var signedInfos = signature.ChildElements(SamlNamespaces.XmlDsig, "SignedInfo").ToList();
        return signedInfos.Count == 1
            ? signedInfos[0]
            : throw new SamlValidationException(SamlValidationError.SignatureStructureInvalid,
                $"The Signature has {signedInfos.Count} SignedInfo elements.");
    }

    // Core 5.4.3: exclusive canonicalization.
    private static void RequireExclusiveCanonicalization(XmlElement signedInfo)
    {
        var algorithm = AlgorithmOf(signedInfo, "CanonicalizationMethod");
        if (algorithm != XmlSecurityAlgorithms.ExclusiveC14n)
        {
            throw new SamlValidationException(SamlValidationError.SignatureTransformNotAllowed,
                $"Canonicalization '{algorithm}' is not allowed; only exclusive canonicalization is.");
        }
    }

    // XMLDSig 6.4 / RFC 6931: RSA with SHA-256 or stronger; RSA-SHA1 only for an IdP explicitly allowed.
    private static void RequireAllowedSignatureMethod(XmlElement signedInfo, IdentityProviderPolicy policy)
    {
        var algorithm = AlgorithmOf(signedInfo, "SignatureMethod");
        if (algorithm == XmlSecurityAlgorithms.RsaSha1)
        {
            if (!policy.AllowSha1)
            {
                throw new SamlValidationException(SamlValidationError.Sha1NotAllowed, "The signature uses RSA-SHA1.");
            }
        }
        else if (algorithm is null || !StrongSignatureMethods.Contains(algorithm))
        {
            throw new SamlValidationException(SamlValidationError.SignatureAlgorithmNotAllowed,
                $"Signature method '{algorithm}' is not allowed.");
        }
    }

    // Core 5.4.2: a SAML signature has exactly one Reference.
    private static XmlElement RequireSingleReference(XmlElement signedInfo)
    {
        var references = signedInfo.ChildElements(SamlNamespaces.XmlDsig, "Reference").ToList();
        return references.Count == 1
            ? references[0]
            : throw new SamlValidationException(SamlValidationError.SignatureStructureInvalid,
                $"The SignedInfo has {references.Count} References; exactly one is allowed.");
    }

    // Core 5.4.2: the Reference URI is "#" + the ID of the element that encloses the Signature.
    private static string RequireReferenceToSignedElement(XmlElement signed, XmlElement reference)
    {
        var id = signed.AttributeOrNull("ID");
        var uri = reference.AttributeOrNull("URI");
        if (string.IsNullOrEmpty(id) || uri != "#" + id)
        {
            throw new SamlValidationException(SamlValidationError.SignatureReferenceMismatch,
                $"The signature references '{uri}', not the {signed.LocalName} that contains it (ID '{id}').");
        }

        return id;
    }

    // The referenced ID must identify one element in the whole document, whatever attribute name a
    // resolver might treat as an ID: otherwise a verifier may hash one element while we read another.
    private static void RequireIdOccursOnce(XmlDocument document, string id)
    {
        var occurrences = 0;
        foreach (var element in document.DescendantElements())
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
            throw new SamlValidationException(SamlValidationError.DuplicateId,
                $"The signed ID '{id}' occurs {occurrences} times in the document.");
        }
    }

    // Core 5.4.4: only the enveloped-signature and exclusive canonicalization transforms.
    private static void RequireAllowedTransforms(XmlElement reference)
    {
        var transformsElements = reference.ChildElements(SamlNamespaces.XmlDsig, "Transforms").ToList();
        if (transformsElements.Count > 1)
        {
            throw new SamlValidationException(SamlValidationError.SignatureStructureInvalid, "The Reference has several Transforms.");
        }

        var transforms = transformsElements.SelectMany(t => t.ChildElements()).ToList();
        var algorithms = transforms.Select(t => t.Is(SamlNamespaces.XmlDsig, "Transform") ? t.AttributeOrNull("Algorithm") : null).ToList();
        var allowed = algorithms.All(a => a is XmlSecurityAlgorithms.EnvelopedSignature or XmlSecurityAlgorithms.ExclusiveC14n);
        if (!allowed || algorithms.Count > 2 || algorithms.Distinct().Count() != algorithms.Count
            || !algorithms.Contains(XmlSecurityAlgorithms.EnvelopedSignature))
        {
            throw new SamlValidationException(SamlValidationError.SignatureTransformNotAllowed,
                $"Transforms [{string.Join(", ", algorithms)}] are not allowed; only enveloped-signature and exclusive canonicalization are.");
        }
    }

    private static void RequireAllowedDigestMethod(XmlElement reference, IdentityProviderPolicy policy)
    {
        var algorithm = AlgorithmOf(reference, "DigestMethod");
        if (algorithm == XmlSecurityAlgorithms.Sha1)
        {
            if (!policy.AllowSha1)
            {
                throw new SamlValidationException(SamlValidationError.Sha1NotAllowed, "The signature uses a SHA-1 digest.");
            }
        }
        else if (algorithm is null || !StrongDigestMethods.Contains(algorithm))
        {
            throw new SamlValidationException(SamlValidationError.SignatureAlgorithmNotAllowed,
                $"Digest method '{algorithm}' is not allowed.");
        }
    }

    // Trust comes from metadata alone: KeyInfo in the message is never used to pick or trust a key.
    private static void RequireValidSignatureByTrustedKey(XmlElement signed, string id, XmlElement signature,
        IReadOnlyList<X509Certificate2> trustedCertificates)
    {
        try
        {
            var signedXml = new SingleElementSignedXml(signed, id);
            signedXml.LoadXml(signature);
            // CheckSignature(certificate, verifySignatureOnly: true) would take the key out of the certificate on
            // every call; the metadata certificate's key, taken out once, is the same check.
            if (trustedCertificates.Any(certificate => CertificateKeys.RsaPublicKey(certificate) is { } key && signedXml.CheckSignature(key)))
            {
                return;
            }
        }
        catch (Exception ex) when (ex is CryptographicException or FormatException or XmlException)
        {
            // SignedXml parses the Signature again on its own (base64 values, key info, transforms).
            throw new SamlValidationException(SamlValidationError.SignatureInvalid,
                $"The {signed.LocalName} signature could not be checked: {ex.Message}");
        }

        throw new SamlValidationException(SamlValidationError.SignatureInvalid,
            $"The {signed.LocalName} signature does not verify with any of the issuer's {trustedCertificates.Count} metadata certificates.");
    }

    private static string? AlgorithmOf(XmlElement parent, string localName)
    {
        var elements = parent.ChildElements(SamlNamespaces.XmlDsig, localName).ToList();
        return elements.Count == 1
            ? elements[0].AttributeOrNull("Algorithm")
            : throw new SamlValidationException(SamlValidationError.SignatureStructureInvalid,
                $"{parent.LocalName} has {elements.Count} {localName} elements.");
    }

    /// <summary>A SignedXml that can only ever resolve the element we located: a reference to any
    /// other ID finds nothing, so verification cannot be redirected to another part of the document.</summary>
    private sealed class SingleElementSignedXml : SignedXml
    {
        private readonly XmlElement _signed;
        private readonly string _id;

        public SingleElementSignedXml(XmlElement signed, string id)
            : base(signed)
        {
            _signed = signed;
            _id = id;
        }

        public override XmlElement? GetIdElement(XmlDocument? document, string idValue) =>
            idValue == _id ? _signed : null;
    }
}
