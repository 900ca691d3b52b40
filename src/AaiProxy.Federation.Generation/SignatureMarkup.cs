using AaiProxy.Saml.Xml;

namespace AaiProxy.Federation.Generation;

/// <summary>Signature markup the signers (and tests that write signatures by hand) share.</summary>
public static class SignatureMarkup
{
    /// <summary>An exclusive c14n algorithm element (a CanonicalizationMethod or a Transform), with an
    /// InclusiveNamespaces PrefixList when one is given.</summary>
    public static string ExclusiveC14n(string element, string? prefixList) => prefixList is null
        ? $"<ds:{element} Algorithm=\"{XmlSecurityAlgorithms.ExclusiveC14n}\"/>"
        : $"<ds:{element} Algorithm=\"{XmlSecurityAlgorithms.ExclusiveC14n}\"><ec:InclusiveNamespaces xmlns:ec=\"{XmlSecurityAlgorithms.ExclusiveC14n}\" PrefixList=\"{prefixList}\"/></ds:{element}>";
}
