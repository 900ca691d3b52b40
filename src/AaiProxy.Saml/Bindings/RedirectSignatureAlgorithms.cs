using System.Security.Cryptography;

namespace AaiProxy.Saml.Bindings;

/// <summary>The <c>SigAlg</c> values of the HTTP-Redirect binding (Bindings 3.4.4.1) that we implement: RSA PKCS#1 v1.5.</summary>
public static class RedirectSignatureAlgorithms
{
    public const string RsaSha256 = "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256";
    public const string RsaSha384 = "http://www.w3.org/2001/04/xmldsig-more#rsa-sha384";
    public const string RsaSha512 = "http://www.w3.org/2001/04/xmldsig-more#rsa-sha512";

    /// <summary>Refused unless the caller explicitly allows it for a peer that can do nothing better.</summary>
    public const string RsaSha1 = "http://www.w3.org/2000/09/xmldsig#rsa-sha1";

    internal static HashAlgorithmName HashFor(string signatureAlgorithm, bool allowSha1) => signatureAlgorithm switch
    {
        RsaSha256 => HashAlgorithmName.SHA256,
        RsaSha384 => HashAlgorithmName.SHA384,
        RsaSha512 => HashAlgorithmName.SHA512,
        RsaSha1 when allowSha1 => HashAlgorithmName.SHA1,
        RsaSha1 => throw new SamlBindingException(SamlBindingError.WeakSignatureAlgorithm,
            "The message is signed with RSA-SHA1, which is not accepted from this peer."),
        _ => throw new SamlBindingException(SamlBindingError.UnsupportedSignatureAlgorithm,
            $"The signature algorithm '{signatureAlgorithm}' is not supported."),
    };
}
