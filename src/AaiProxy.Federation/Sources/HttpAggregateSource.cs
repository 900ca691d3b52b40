using System.Net;
using System.Net.Http.Headers;
using AaiProxy.Federation.Reading;
using AaiProxy.Federation.Trust;

namespace AaiProxy.Federation.Sources;

/// <summary>
/// A signed aggregate fetched from a URL (eduGAIN, a national federation's feed), verified against a
/// pinned trust anchor. Refreshes are conditional GETs (ETag / If-Modified-Since): "not modified"
/// confirms the document in use, as long as its own validUntil has not passed.
/// </summary>
public sealed class HttpAggregateSource : MetadataSource
{
    private readonly HttpClient _http;
    private readonly Uri _url;
    private readonly MetadataTrustAnchor _anchor;
    private readonly MetadataReadOptions _options;
    private (EntityTagHeaderValue? ETag, DateTimeOffset? LastModified, MetadataDocument Document)? _last;

    /// <param name="options">Defaults to <see cref="MetadataReadOptions.Aggregate"/> (validUntil required).</param>
    public HttpAggregateSource(string name, HttpClient http, Uri url, MetadataTrustAnchor anchor, TimeSpan refreshInterval,
        EntityFilter? filter = null, MetadataReadOptions? options = null)
        : base(name, refreshInterval, filter)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(url);
        ArgumentNullException.ThrowIfNull(anchor);
        if (!url.IsAbsoluteUri || url.Scheme is not ("https" or "http"))
        {
            throw new ArgumentException($"Metadata source '{name}': URL '{url}' must be an absolute http(s) URL.", nameof(url));
        }

        _http = http;
        _url = url;
        _anchor = anchor;
        _options = options ?? MetadataReadOptions.Aggregate;
    }

    public override async Task<MetadataDocument> LoadAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, _url);
        MetadataHttp.AcceptMetadata(request);
        if (_last is { } last)
        {
            if (last.ETag is not null)
            {
                request.Headers.IfNoneMatch.Add(last.ETag);
            }

            request.Headers.IfModifiedSince = last.LastModified;
        }

        try
        {
            using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
            if (response.StatusCode == HttpStatusCode.NotModified && _last is { } unchanged)
            {
                return unchanged.Document.ValidUntil is { } validUntil && validUntil <= now
                    ? throw new MetadataRejectedException(MetadataRejection.Expired, $"The metadata is unchanged and expired at {validUntil:O}.")
                    : unchanged.Document;
            }

            if (response.StatusCode != HttpStatusCode.OK)
            {
                throw new MetadataRejectedException(MetadataRejection.Unavailable, $"'{_url}' answered {(int)response.StatusCode}.");
            }

            var bytes = await MetadataHttp.ReadBoundedAsync(response, _options, cancellationToken).ConfigureAwait(false);
            var document = SignedMetadataLoader.Load(bytes, _anchor, _options, now);
            _last = (response.Headers.ETag, response.Content.Headers.LastModified, document);
            return document;
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            throw new MetadataRejectedException(MetadataRejection.Unavailable, $"'{_url}' cannot be fetched: {ex.Message}", ex);
        }
    }
}
