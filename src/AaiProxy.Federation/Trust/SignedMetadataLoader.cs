using AaiProxy.Federation.Reading;

namespace AaiProxy.Federation.Trust;

/// <summary>
/// Reads a metadata document that is used only if its signature verifies against the trust anchor.
/// Two forward passes over the same bytes, read the same way (<see cref="MetadataXml"/>):
/// the first verifies the signature (streaming canonicalization, no tree), the second reads the
/// entities one at a time; nothing from the second is returned unless the first succeeded.
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
            StreamingSignatureVerifier.Verify(new MemoryStream(xml, writable: false), anchor, options);
        }

        return MetadataStreamReader.Read(new MemoryStream(xml, writable: false), options, now);
    }
}
