using System.Security.Cryptography.X509Certificates;
using System.Security.Cryptography.Xml;
using System.Xml;
using AaiProxy.Saml.Xml;

namespace AaiProxy.Federation.Generation;

/// <summary>How a test aggregate is signed: the MAPS profile by default, one knob per way to deviate.</summary>
public sealed record SigningProfile
{
    public static SigningProfile Maps { get; } = new();

    public string SignatureMethod { get; init; } = XmlSecurityAlgorithms.RsaSha256;
    public string DigestMethod { get; init; } = XmlSecurityAlgorithms.Sha256;
    public string Canonicalization { get; init; } = XmlSecurityAlgorithms.ExclusiveC14n;

    /// <summary>The Reference URI; null means "#" + the document element's ID.</summary>
    public string? ReferenceUri { get; init; }
}

/// <summary>Signs a metadata document's element with an enveloped signature (first child, Metadata
/// 2.3.1) computed by SignedXml. The signature is inserted into the original text, so the signed
/// bytes are exactly the input plus the Signature, never a re-serialisation of a DOM. The whole document is
/// signed once: 10,500 entities take a few seconds.</summary>
public static class AggregateSigner
{
    public static string Sign(string xml, X509Certificate2 signer, SigningProfile? profile = null)
    {
        profile ??= SigningProfile.Maps;
        var document = new XmlDocument { PreserveWhitespace = true };
        document.LoadXml(xml);
        var root = document.DocumentElement!;
        using var key = signer.GetRSAPrivateKey()!;
        var signedXml = new SignedXml(document) { SigningKey = key };
        signedXml.SignedInfo!.CanonicalizationMethod = profile.Canonicalization;
        signedXml.SignedInfo.SignatureMethod = profile.SignatureMethod;
        var reference = new Reference(profile.ReferenceUri ?? "#" + root.GetAttribute("ID")) { DigestMethod = profile.DigestMethod };
        reference.AddTransform(new XmlDsigEnvelopedSignatureTransform());
        reference.AddTransform(profile.Canonicalization == XmlSecurityAlgorithms.ExclusiveC14n
            ? new XmlDsigExcC14NTransform()
            : new XmlDsigC14NTransform());
        signedXml.AddReference(reference);
        signedXml.KeyInfo = new KeyInfo();
        signedXml.KeyInfo.AddClause(new KeyInfoX509Data(signer));
        signedXml.ComputeSignature();
        var rootStart = xml.IndexOf('<' + root.Name, StringComparison.Ordinal);
        var afterRootTag = xml.IndexOf('>', rootStart) + 1;
        return string.Concat(xml.AsSpan(0, afterRootTag), signedXml.GetXml().OuterXml, xml.AsSpan(afterRootTag));
    }
}
