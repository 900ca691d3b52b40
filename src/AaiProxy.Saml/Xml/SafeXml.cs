using System.Text.RegularExpressions;
using System.Xml;

namespace AaiProxy.Saml.Xml;

/// <summary>
/// The only way SAML input becomes a DOM: DTDs prohibited (so no entity expansion and no external
/// entities), no resolver, and size and depth bounds checked while the reader walks the input, so a
/// hostile document is refused before it is materialised.
/// </summary>
public static class SafeXml
{
    /// <summary>Parses untrusted XML text into a document that keeps whitespace (signatures need it).</summary>
    /// <exception cref="SafeXmlException">The input is not well-formed, has a DTD, or exceeds a limit.</exception>
    public static XmlDocument Load(string xml, SafeXmlLimits limits)
    {
        ArgumentNullException.ThrowIfNull(xml);
        ArgumentNullException.ThrowIfNull(limits);
        if (xml.Length > limits.MaxCharacters)
        {
            throw new SafeXmlException(SafeXmlError.TooLarge,
                $"The XML document has {xml.Length} characters; at most {limits.MaxCharacters} are accepted.");
        }

        using var text = new StringReader(xml);
        try
        {
            return Load(text, limits);
        }
        catch (SafeXmlException ex) when (ex.Error == SafeXmlError.DtdProhibited && DeclaresInternalEntity(xml))
        {
            // Refused either way (the reader never expands anything); the distinct error tells the log
            // that someone tried an entity expansion bomb rather than sent a stray DOCTYPE.
            throw new SafeXmlException(SafeXmlError.EntityDeclarations,
                "The XML document has a DTD declaring entities, which is never accepted.", ex);
        }
    }

    private static readonly Regex InternalEntityDeclaration = new(
        @"<!ENTITY\s+(%\s+)?[^\s]+\s+[""']", RegexOptions.CultureInvariant, TimeSpan.FromMilliseconds(100));

    private static bool DeclaresInternalEntity(string xml)
    {
        try
        {
            return InternalEntityDeclaration.IsMatch(xml);
        }
        catch (RegexMatchTimeoutException)
        {
            return false;
        }
    }

    /// <summary>Parses untrusted XML from a stream (UTF-8 or as declared).</summary>
    public static XmlDocument Load(Stream xml, SafeXmlLimits limits)
    {
        ArgumentNullException.ThrowIfNull(xml);
        using var text = new StreamReader(xml, detectEncodingFromByteOrderMarks: true);
        return Load(text, limits);
    }

    private static XmlDocument Load(TextReader text, SafeXmlLimits limits)
    {
        var settings = new XmlReaderSettings
        {
            DtdProcessing = DtdProcessing.Prohibit,
            XmlResolver = null,
            MaxCharactersInDocument = limits.MaxCharacters,
            MaxCharactersFromEntities = 0,
            IgnoreProcessingInstructions = true,
            CloseInput = false,
        };

        var document = new XmlDocument { PreserveWhitespace = true, XmlResolver = null };
        try
        {
            using var reader = new DepthLimitingXmlReader(XmlReader.Create(text, settings), limits.MaxDepth);
            document.Load(reader);
        }
        catch (SafeXmlException)
        {
            throw;
        }
        catch (XmlException ex) when (ex.Message.Contains("DTD", StringComparison.OrdinalIgnoreCase))
        {
            throw new SafeXmlException(SafeXmlError.DtdProhibited, "The XML document has a DTD, which is never accepted.", ex);
        }
        catch (XmlException ex) when (ex.Message.Contains("MaxCharactersInDocument", StringComparison.Ordinal))
        {
            throw new SafeXmlException(SafeXmlError.TooLarge,
                $"The XML document exceeds {limits.MaxCharacters} characters.", ex);
        }
        catch (XmlException ex)
        {
            throw new SafeXmlException(SafeXmlError.Malformed, $"The XML document is not well-formed: {ex.Message}", ex);
        }

        if (document.DocumentElement is null)
        {
            throw new SafeXmlException(SafeXmlError.Malformed, "The XML document has no root element.");
        }

        return document;
    }

    /// <summary>Counts depth as the reader advances; XmlDocument.Load only sees nodes it has passed.</summary>
    private sealed class DepthLimitingXmlReader(XmlReader inner, int maxDepth) : XmlWrappingReader(inner)
    {
        public override bool Read()
        {
            var more = base.Read();
            if (more && NodeType == XmlNodeType.Element && Depth >= maxDepth)
            {
                throw new SafeXmlException(SafeXmlError.TooDeep,
                    $"The XML document nests elements deeper than {maxDepth} levels.");
            }

            return more;
        }
    }
}
