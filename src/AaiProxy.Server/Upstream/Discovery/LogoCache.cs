using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Caching.Memory;

namespace AaiProxy.Server.Upstream.Discovery;

/// <summary>An image the discovery page shows, as the proxy serves it.</summary>
internal sealed record LogoImage(string ContentType, byte[] Bytes);

/// <summary>
/// Identity providers' logos, served by the proxy from a size-capped memory cache, never linked: the person's
/// browser never contacts a logo's host (no tracking, no mixed content, no broken page when a host is down).
/// A logo is named by the hash of its URL; only URLs the proxy has itself shown are served. <c>data:</c> URLs are
/// decoded, https ones fetched once with size and time limits, without redirects, and only from public addresses
/// (<see cref="PublicAddresses"/>); a failure is remembered for a while and shows no logo.
/// </summary>
internal sealed class LogoCache : IDisposable
{
    public const string HttpClientName = "AaiProxy.Discovery.Logos";
    public const int MaxLogoBytes = 64 * 1024;
    public const long CacheBytes = 8 * 1024 * 1024;
    public static readonly TimeSpan FetchTimeout = TimeSpan.FromSeconds(5);
    private const int MaxKnownUrls = 50_000;
    private static readonly TimeSpan Kept = TimeSpan.FromHours(24);
    private static readonly TimeSpan FailureKept = TimeSpan.FromMinutes(10);
    private static readonly string[] ImageTypes = ["image/png", "image/jpeg", "image/gif", "image/svg+xml", "image/webp", "image/x-icon", "image/vnd.microsoft.icon"];

    private readonly MemoryCache _images = new(new MemoryCacheOptions { SizeLimit = CacheBytes });
    private readonly ConcurrentDictionary<string, string> _known = new(StringComparer.Ordinal);
    private readonly IHttpClientFactory _http;
    private readonly ILogger<LogoCache> _logger;

    public LogoCache(IHttpClientFactory http, ILogger<LogoCache> logger)
    {
        _http = http;
        _logger = logger;
    }

    /// <summary>The proxy's address for a logo (<c>/discovery/logo/{hash}</c>), or null for a URL it will not serve.</summary>
    public string? PathFor(string? url)
    {
        if (url is null || !(url.StartsWith("https://", StringComparison.OrdinalIgnoreCase) || url.StartsWith("data:image/", StringComparison.OrdinalIgnoreCase)))
        {
            return null;
        }

        var hash = Hash(url);
        if (_known.Count >= MaxKnownUrls)
        {
            _known.Clear();
        }

        _known[hash] = url;
        return DiscoveryEndpoints.LogoPathPrefix + hash;
    }

    /// <returns>The image, or null when the hash names no logo shown, or the logo cannot be had.</returns>
    public async Task<LogoImage?> GetAsync(string hash, CancellationToken cancellationToken)
    {
        if (!_known.TryGetValue(hash, out var url))
        {
            return null;
        }

        if (_images.TryGetValue(hash, out LogoImage? cached))
        {
            return cached!.Bytes.Length == 0 ? null : cached;
        }

        var image = url.StartsWith("data:", StringComparison.OrdinalIgnoreCase) ? DecodeDataUrl(url) : await FetchAsync(url, cancellationToken);
        _images.Set(hash, image ?? new LogoImage("", []), new MemoryCacheEntryOptions
        {
            Size = Math.Max(1, image?.Bytes.Length ?? 0),
            AbsoluteExpirationRelativeToNow = image is null ? FailureKept : Kept,
        });
        return image;
    }

    /// <summary>RFC 2397: <c>data:image/png;base64,…</c> or percent-encoded text (SVG); other types and oversize refused.</summary>
    public static LogoImage? DecodeDataUrl(string url)
    {
        var comma = url.IndexOf(',');
        if (!url.StartsWith("data:", StringComparison.OrdinalIgnoreCase) || comma < 0)
        {
            return null;
        }

        var header = url[5..comma];
        var base64 = header.EndsWith(";base64", StringComparison.OrdinalIgnoreCase);
        var type = (base64 ? header[..^7] : header).Split(';')[0].Trim().ToLowerInvariant();
        if (!ImageTypes.Contains(type))
        {
            return null;
        }

        try
        {
            var payload = url[(comma + 1)..];
            var bytes = base64 ? Convert.FromBase64String(payload) : Encoding.UTF8.GetBytes(Uri.UnescapeDataString(payload));
            return bytes.Length is > 0 and <= MaxLogoBytes ? new LogoImage(type, bytes) : null;
        }
        catch (FormatException)
        {
            return null;
        }
    }

    private async Task<LogoImage?> FetchAsync(string url, CancellationToken cancellationToken)
    {
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(FetchTimeout);
            using var response = await _http.CreateClient(HttpClientName).GetAsync(url, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            var type = response.Content.Headers.ContentType?.MediaType?.ToLowerInvariant();
            if (!response.IsSuccessStatusCode || type is null || !ImageTypes.Contains(type) || response.Content.Headers.ContentLength > MaxLogoBytes)
            {
                DiscoveryLog.LogoRefused(_logger, url, (int)response.StatusCode, type);
                return null;
            }

            await using var body = await response.Content.ReadAsStreamAsync(timeout.Token);
            var buffer = new MemoryStream();
            var chunk = new byte[8192];
            for (var read = await body.ReadAsync(chunk, timeout.Token); read > 0; read = await body.ReadAsync(chunk, timeout.Token))
            {
                if (buffer.Length + read > MaxLogoBytes)
                {
                    DiscoveryLog.LogoRefused(_logger, url, (int)response.StatusCode, type);
                    return null;
                }

                buffer.Write(chunk, 0, read);
            }

            return buffer.Length > 0 ? new LogoImage(type, buffer.ToArray()) : null;
        }
        catch (HttpRequestException ex) when (ex.InnerException is NonPublicAddressException refused)
        {
            DiscoveryLog.LogoAddressRefused(_logger, url, refused.Message);
            return null;
        }
        catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            DiscoveryLog.LogoUnavailable(_logger, url, ex.GetType().Name);
            return null;
        }
    }

    private static string Hash(string url) => WebEncoders.Base64UrlEncode(SHA256.HashData(Encoding.UTF8.GetBytes(url)).AsSpan(0, 16));

    public void Dispose() => _images.Dispose();
}
