using System.Net.Http.Headers;
using AaiProxy.Federation.Reading;

namespace AaiProxy.Federation.Sources;

/// <summary>Fetching metadata over HTTP: the media type and a body read within the read limits.</summary>
internal static class MetadataHttp
{
    public const string MediaType = "application/samlmetadata+xml";

    public static void AcceptMetadata(HttpRequestMessage request)
    {
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(MediaType));
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/xml", 0.9));
    }

    /// <summary>The body, refused as soon as it grows past what the character limit allows.</summary>
    public static async Task<byte[]> ReadBoundedAsync(HttpResponseMessage response, MetadataReadOptions options, CancellationToken cancellationToken)
    {
        var limit = options.Limits.MaxCharacters * 4;
        if (response.Content.Headers.ContentLength > limit)
        {
            throw new MetadataRejectedException(MetadataRejection.TooLarge, $"The metadata has {response.Content.Headers.ContentLength} bytes.");
        }

        await using var body = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        using var bytes = new MemoryStream();
        var buffer = new byte[81920];
        int read;
        while ((read = await body.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
        {
            if (bytes.Length + read > limit)
            {
                throw new MetadataRejectedException(MetadataRejection.TooLarge, $"The metadata exceeds {limit} bytes.");
            }

            bytes.Write(buffer, 0, read);
        }

        return bytes.ToArray();
    }
}
