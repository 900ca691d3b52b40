using System.Text;
using System.Xml;

namespace AaiProxy.Saml.Xml;

/// <summary>Strict, non-searching navigation of an already loaded element: only direct children and
/// own attributes, so what is read always belongs to the element the caller holds.</summary>
internal static class XmlTraversal
{
    public static IEnumerable<XmlElement> ChildElements(this XmlElement element) =>
        element.ChildNodes.OfType<XmlElement>();

    public static IEnumerable<XmlElement> ChildElements(this XmlElement element, string namespaceUri, string localName) =>
        element.ChildElements().Where(child => child.Is(namespaceUri, localName));

    /// <summary>Every element below <paramref name="node"/> in document order (the node itself excluded), as
    /// <c>GetElementsByTagName("*")</c> lists them, without the live list's document-wide change listener.</summary>
    public static IEnumerable<XmlElement> DescendantElements(this XmlNode node)
    {
        var current = node.FirstChild;
        while (current is not null)
        {
            if (current is XmlElement element)
            {
                yield return element;
                if (element.FirstChild is { } firstChild)
                {
                    current = firstChild;
                    continue;
                }
            }

            while (current != node && current.NextSibling is null)
            {
                current = current.ParentNode!;
            }

            current = current == node ? null : current.NextSibling;
        }
    }

    public static bool Is(this XmlElement element, string namespaceUri, string localName) =>
        element.LocalName == localName && element.NamespaceURI == namespaceUri;

    /// <summary>An attribute without namespace, or null when absent (an empty value is not absent).</summary>
    public static string? AttributeOrNull(this XmlElement element, string name) =>
        element.GetAttributeNode(name)?.Value;

    /// <summary>
    /// All text of the element, read whole: every text, CDATA and whitespace child concatenated, so a
    /// comment or processing instruction inside the value cannot truncate it (the value is exactly
    /// what exclusive canonicalization, and therefore the signature, covered). Returns null when the
    /// element has child elements, i.e. no simple text value.
    /// </summary>
    public static string? WholeText(this XmlElement element)
    {
        var text = new StringBuilder();
        foreach (XmlNode child in element.ChildNodes)
        {
            switch (child.NodeType)
            {
                case XmlNodeType.Text:
                case XmlNodeType.CDATA:
                case XmlNodeType.Whitespace:
                case XmlNodeType.SignificantWhitespace:
                    text.Append(child.Value);
                    break;
                case XmlNodeType.Element:
                    return null;
            }
        }

        return text.ToString();
    }
}
