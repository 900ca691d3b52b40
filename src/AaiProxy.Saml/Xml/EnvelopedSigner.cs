using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Security.Cryptography.Xml;
using System.Xml;

namespace AaiProxy.Saml.Xml;

/// <summary>Adds an enveloped signature (exclusive c14n, one Reference to the element's ID) as the
/// element's child right after its saml:Issuer (Core 5.4.1, schema order), or as its first child
/// when it has none (metadata's EntityDescriptor, Metadata 2.3.2).</summary>
internal static class EnvelopedSigner
{
    public static void Sign(XmlElement element, X509Certificate2 certificate,
        string signatureMethod = XmlSecurityAlgorithms.RsaSha256, string digestMethod = XmlSecurityAlgorithms.Sha256)
    {
        var key = CertificateKeys.RsaPrivateKey(certificate)
                  ?? throw new InvalidOperationException("The signing certificate has no RSA private key.");
        Sign(element, key, signatureMethod, digestMethod, keyInfoCertificate: certificate);
    }

    public static void Sign(XmlElement element, RSA key, string signatureMethod, string digestMethod, X509Certificate2? keyInfoCertificate)
    {
        var id = element.GetAttribute("ID");
        var signedXml = new SignedXml(element) { SigningKey = key };
        signedXml.SignedInfo!.CanonicalizationMethod = XmlSecurityAlgorithms.ExclusiveC14n;
        signedXml.SignedInfo.SignatureMethod = signatureMethod;
        var reference = new Reference("#" + id) { DigestMethod = digestMethod };
        reference.AddTransform(new XmlDsigEnvelopedSignatureTransform());
        reference.AddTransform(new XmlDsigExcC14NTransform());
        signedXml.AddReference(reference);
        if (keyInfoCertificate is not null)
        {
            signedXml.KeyInfo = new KeyInfo();
            signedXml.KeyInfo.AddClause(new KeyInfoX509Data(keyInfoCertificate));
        }

        signedXml.ComputeSignature();
        var signature = element.OwnerDocument.ImportNode(signedXml.GetXml(), deep: true);
        var issuer = element.ChildElements(SamlNamespaces.Assertion, "Issuer").FirstOrDefault();
        if (issuer is null)
        {
            element.PrependChild(signature);
        }
        else
        {
            element.InsertAfter(signature, issuer);
        }
    }
}
