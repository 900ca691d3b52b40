using AaiProxy.Federation.Reading;

namespace AaiProxy.Federation.Trust;

/// <summary>
/// Reads a metadata document that is used only if its signature verifies against the trust anchor.
/// Two forward passes over the same bytes, read the same way (<see cref="MetadataXml"/>): one verifies the
/// signature (streaming canonicalization, no tree), the other reads the entities one at a time. They are
/// independent, so they run side by side (an eduGAIN-sized aggregate loads in about the time of the longer
/// pass on two cores); nothing from the reading is returned unless the verification succeeded, and a refused
/// signature is the reason given even when the reading failed too.
/// </summary>
public static class SignedMetadataLoader
{
    /// <param name="anchor">The trust anchor; null only for local files the operator vouches for.</param>
    /// <exception cref="MetadataRejectedException">Nothing in the document may be used.</exception>
    public static MetadataDocument Load(byte[] xml, MetadataTrustAnchor? anchor, MetadataReadOptions options, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(xml);
        ArgumentNullException.ThrowIfNull(options);
        if (anchor is null)
        {
            return MetadataStreamReader.Read(new MemoryStream(xml, writable: false), options, now);
        }

        var reading = Task.Run(() => MetadataStreamReader.Read(new MemoryStream(xml, writable: false), options, now));
        try
        {
            StreamingSignatureVerifier.Verify(new MemoryStream(xml, writable: false), anchor, options);
        }
        catch
        {
            // The reading's own outcome no longer matters; observe it so that it is never reported as unobserved.
            reading.ContinueWith(static task => _ = task.Exception, TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously);
            throw;
        }

        return reading.GetAwaiter().GetResult();
    }
}
