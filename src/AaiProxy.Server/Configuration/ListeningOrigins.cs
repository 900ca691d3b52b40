namespace AaiProxy.Server.Configuration;

/// <summary>
/// The origins the server listens on (<c>urls</c> / <c>ASPNETCORE_URLS</c> / <c>--urls</c>, default
/// <see cref="DefaultUrl"/>), and the public origin (<c>AaiProxy:Issuer</c>'s) that expands
/// <see cref="ClientOptions.OriginPlaceholder"/> in declared redirect URIs.
/// </summary>
public sealed class ListeningOrigins(IConfiguration configuration)
{
    public const string DefaultUrl = "http://localhost:5000";

    public IReadOnlyList<string> Origins { get; } = Parse(configuration["urls"]);

    /// <summary>The origin people and peers use: the configured issuer's, else the first listening one.
    /// SAML endpoints (ours and the demo IdP's) are absolute URLs under it.</summary>
    public string PublicOrigin(ProxyOptions proxy) => proxy.Issuer?.GetLeftPart(UriPartial.Authority) ?? Origins[0];

    public bool PublicOriginIsHttps(ProxyOptions proxy) => PublicOrigin(proxy).StartsWith("https://", StringComparison.OrdinalIgnoreCase);

    /// <summary><paramref name="uri"/> with <see cref="ClientOptions.OriginPlaceholder"/> replaced by the issuer's origin when
    /// an issuer is configured (the same on every node behind a load balancer, so no node rewrites the stored client),
    /// else by each listening origin (a single development node reached at its own address).</summary>
    public IEnumerable<string> Expand(string uri, ProxyOptions proxy) =>
        !uri.Contains(ClientOptions.OriginPlaceholder, StringComparison.Ordinal) ? [uri]
        : (proxy.Issuer is null ? Origins : [PublicOrigin(proxy)])
            .Select(origin => uri.Replace(ClientOptions.OriginPlaceholder, origin, StringComparison.Ordinal));

    /// <summary>True when no address is configured in any of the ways ASP.NET Core reads one.</summary>
    public static bool NoneConfigured(IConfiguration configuration) =>
        string.IsNullOrWhiteSpace(configuration["urls"]) &&
        string.IsNullOrWhiteSpace(configuration["http_ports"]) &&
        string.IsNullOrWhiteSpace(configuration["https_ports"]) &&
        !configuration.GetSection("Kestrel:Endpoints").Exists();

    private static List<string> Parse(string? urls) =>
        [.. (string.IsNullOrWhiteSpace(urls) ? DefaultUrl : urls)
            .Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(url => new Uri(url.Replace("://+", "://localhost").Replace("://*", "://localhost").Replace("://0.0.0.0", "://localhost")))
            .Select(uri => uri.GetLeftPart(UriPartial.Authority))
            .Distinct(StringComparer.OrdinalIgnoreCase)];
}
