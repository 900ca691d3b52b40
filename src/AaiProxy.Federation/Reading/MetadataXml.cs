using System.Xml;
using AaiProxy.Saml;

namespace AaiProxy.Federation.Reading;

/// <summary>
/// The one way metadata is read, by the signature check and by the entity reader alike: bytes
/// decoded as XML 4.3.3 says (byte-order mark, else the encoding declaration, else UTF-8), DTDs
/// prohibited, nothing resolved, size bounded while reading, comments dropped (exclusive c14n
/// without comments ignores them too), and XML errors turned into a document rejection.
/// </summary>
internal static class MetadataXml
{
    public static T Read<T>(Stream xml, MetadataReadOptions options, Func<XmlReader, T> read)
    {
        var settings = new XmlReaderSettings
        {
            DtdProcessing = DtdProcessing.Prohibit,
            XmlResolver = null,
            MaxCharactersInDocument = options.Limits.MaxCharacters,
            MaxCharactersFromEntities = 0,
            IgnoreComments = true,
            CloseInput = false,
        };

        try
        {
            using var reader = XmlReader.Create(xml, settings);
            reader.MoveToContent();
            return read(reader);
        }
        catch (XmlException ex) when (ex.Message.Contains("DTD", StringComparison.OrdinalIgnoreCase))
        {
            throw new MetadataRejectedException(MetadataRejection.Malformed, "The metadata has a DTD, which is never accepted.", ex);
        }
        catch (XmlException ex) when (ex.Message.Contains("MaxCharactersInDocument", StringComparison.Ordinal))
        {
            throw new MetadataRejectedException(MetadataRejection.TooLarge,
                $"The metadata exceeds {options.Limits.MaxCharacters} characters.", ex);
        }
        catch (XmlException ex)
        {
            throw new MetadataRejectedException(MetadataRejection.Malformed, $"The metadata is not well-formed: {ex.Message}", ex);
        }
    }

    public static bool IsMetadataElement(XmlReader reader, string localName) =>
        reader.NodeType == XmlNodeType.Element && reader.LocalName == localName && reader.NamespaceURI == SamlNamespaces.Metadata;

    public static MetadataRejectedException TooDeep(int maxDepth) =>
        new(MetadataRejection.Malformed, $"The metadata nests elements deeper than {maxDepth} levels.");
}
