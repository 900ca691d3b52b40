namespace AaiProxy.Saml.Xml;

/// <summary>Algorithm identifiers from XML Signature 1.1 (and RFC 6931) and XML Encryption 1.1.</summary>
public static class XmlSecurityAlgorithms
{
    public const string ExclusiveC14n = "http://www.w3.org/2001/10/xml-exc-c14n#";
    public const string EnvelopedSignature = "http://www.w3.org/2000/09/xmldsig#enveloped-signature";

    public const string RsaSha1 = "http://www.w3.org/2000/09/xmldsig#rsa-sha1";
    public const string RsaSha256 = "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256";
    public const string RsaSha384 = "http://www.w3.org/2001/04/xmldsig-more#rsa-sha384";
    public const string RsaSha512 = "http://www.w3.org/2001/04/xmldsig-more#rsa-sha512";

    public const string Sha1 = "http://www.w3.org/2000/09/xmldsig#sha1";
    public const string Sha256 = "http://www.w3.org/2001/04/xmlenc#sha256";
    public const string Sha384 = "http://www.w3.org/2001/04/xmldsig-more#sha384";
    public const string Sha512 = "http://www.w3.org/2001/04/xmlenc#sha512";

    public const string XmlEnc11Namespace = "http://www.w3.org/2009/xmlenc11#";
    public const string EncryptedElementType = "http://www.w3.org/2001/04/xmlenc#Element";
    public const string RsaPkcs1v15 = "http://www.w3.org/2001/04/xmlenc#rsa-1_5";
    public const string RsaOaepMgf1p = "http://www.w3.org/2001/04/xmlenc#rsa-oaep-mgf1p";
    public const string RsaOaep = "http://www.w3.org/2009/xmlenc11#rsa-oaep";
    public const string Mgf1Sha1 = "http://www.w3.org/2009/xmlenc11#mgf1sha1";
    public const string Mgf1Sha256 = "http://www.w3.org/2009/xmlenc11#mgf1sha256";
    public const string Mgf1Sha384 = "http://www.w3.org/2009/xmlenc11#mgf1sha384";
    public const string Mgf1Sha512 = "http://www.w3.org/2009/xmlenc11#mgf1sha512";
    public const string TripleDesCbc = "http://www.w3.org/2001/04/xmlenc#tripledes-cbc";
    public const string Aes128Cbc = "http://www.w3.org/2001/04/xmlenc#aes128-cbc";
    public const string Aes256Cbc = "http://www.w3.org/2001/04/xmlenc#aes256-cbc";
    public const string Aes128Gcm = "http://www.w3.org/2009/xmlenc11#aes128-gcm";
    public const string Aes256Gcm = "http://www.w3.org/2009/xmlenc11#aes256-gcm";
}
