using System.Text;
using AaiProxy.Federation.Reading;
using AaiProxy.Saml.Xml;

namespace AaiProxy.Federation.Trust;

/// <summary>
/// Reads a metadata document that is used only if its signature verifies against the trust anchor.
/// The signature is checked on a DOM of the exact bytes first (bounded by the read limits); the
/// DOM is then dropped and the same bytes, decoded the same way, are streamed entity by entity.
/// </summary>
public static class SignedMetadataLoader
{
    /// <param name="anchor">The trust anchor; null only for local files the operator vouches for.</param>
    /// <exception cref="MetadataRejectedException">Nothing in the document may be used.</exception>
    public static MetadataDocument Load(byte[] xml, MetadataTrustAnchor? anchor, MetadataReadOptions options, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(xml);
        ArgumentNullException.ThrowIfNull(options);
        if (anchor is not null)
        {
            Verify(xml, anchor, options);
        }

        using var text = Decode(xml);
        return MetadataStreamReader.Read(text, options, now);
    }

    private static void Verify(byte[] xml, MetadataTrustAnchor anchor, MetadataReadOptions options)
    {
        System.Xml.XmlDocument document;
        try
        {
            document = SafeXml.Load(new MemoryStream(xml, writable: false), options.Limits);
        }
        catch (SafeXmlException ex)
        {
            throw new MetadataRejectedException(
                ex.Error == SafeXmlError.TooLarge ? MetadataRejection.TooLarge : MetadataRejection.Malformed,
                $"The metadata is not acceptable XML: {ex.Message}", ex);
        }

        AggregateSignatureVerifier.Verify(document, anchor);
    }

    // The one decoding both passes use (SafeXml.Load(Stream) reads UTF-8 unless a byte-order mark says otherwise).
    private static StreamReader Decode(byte[] xml) =>
        new(new MemoryStream(xml, writable: false), Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
}
