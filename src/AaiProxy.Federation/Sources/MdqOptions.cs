using AaiProxy.Federation.Reading;
using AaiProxy.Federation.Trust;

namespace AaiProxy.Federation.Sources;

/// <summary>A Metadata Query (MDQ, draft-young-md-query) service and how its answers are trusted and cached.</summary>
public sealed record MdqOptions
{
    /// <summary>A name for logs and status.</summary>
    public string Name { get; init; } = "mdq";

    /// <summary>The service base, e.g. <c>https://mdq.aai.dfn.de/</c>; requests go to <c>{base}/entities/{id}</c>.</summary>
    public required Uri BaseUrl { get; init; }

    /// <summary>Every answer is verified against this before anything in it is used.</summary>
    public required MetadataTrustAnchor Anchor { get; init; }

    /// <summary>Ask by <c>{sha1}</c> + hex of the entity ID instead of the URL-encoded entity ID.</summary>
    public bool UseSha1Identifiers { get; init; }

    /// <summary>How long an answer is kept when it carries no <c>cacheDuration</c>.</summary>
    public TimeSpan DefaultCacheDuration { get; init; } = TimeSpan.FromHours(1);

    /// <summary>An upper bound on any answer's <c>cacheDuration</c>.</summary>
    public TimeSpan MaxCacheDuration { get; init; } = TimeSpan.FromHours(24);

    /// <summary>How long "unknown" (404) is remembered.</summary>
    public TimeSpan NegativeCacheDuration { get; init; } = TimeSpan.FromMinutes(10);

    public EntityFilter Filter { get; init; } = EntityFilter.All;

    /// <summary>Entity IDs cached, known or unknown, beyond which a new "unknown" is not remembered (after expired
    /// unknown ones are dropped): requests can name any number of made-up IDs. IdPs the service knows are always kept.</summary>
    public int MaxEntries { get; init; } = 20_000;

    /// <summary>One entity per answer: the single-entity limits; validUntil required by default.</summary>
    public MetadataReadOptions ReadOptions { get; init; } = MetadataReadOptions.MdqAnswer;

    /// <summary>Fails at start-up with the setting to fix.</summary>
    public void Validate()
    {
        if (!BaseUrl.IsAbsoluteUri || BaseUrl.Scheme is not ("https" or "http"))
        {
            throw new ArgumentException($"MDQ BaseUrl '{BaseUrl}' must be an absolute http(s) URL.", nameof(BaseUrl));
        }

        if (MaxEntries < 0)
        {
            throw new ArgumentException("MDQ MaxEntries must not be negative.", nameof(MaxEntries));
        }

        if (DefaultCacheDuration <= TimeSpan.Zero || MaxCacheDuration < DefaultCacheDuration || NegativeCacheDuration <= TimeSpan.Zero)
        {
            throw new ArgumentException("MDQ cache durations must be positive, with MaxCacheDuration at least DefaultCacheDuration.");
        }
    }
}

/// <summary>An MDQ service as seen from its cache, for readiness and operators.</summary>
/// <param name="IdentityProviders">Identity providers cached and within their validUntil.</param>
/// <param name="Unknown">Entity IDs remembered as unknown or unusable (the negative cache).</param>
/// <param name="LastAnswer">When the service last answered (200, 304 or 404).</param>
/// <param name="LastFailure">When a query last failed (unreachable, an error status, an answer refused).</param>
/// <param name="IsFailing">The latest query failed: the service is down or its answers cannot be trusted.</param>
public sealed record MdqStatus(int IdentityProviders, int Unknown, DateTimeOffset? LastAnswer, DateTimeOffset? LastFailure, string? LastError,
    bool IsFailing);
