using AaiProxy.Federation.Reading;

namespace AaiProxy.Federation.Sources;

/// <summary>A source's state for readiness checks and the metadata-age metric.</summary>
/// <param name="LastSuccess">When the set in use was read; null when no read has succeeded yet.</param>
/// <param name="LastFailure">When the latest read failed, if it did after <paramref name="LastSuccess"/>.</param>
/// <param name="LastRejection">Why that read was refused.</param>
/// <param name="IdentityProviders">How many of the source's IdPs are in use.</param>
/// <param name="Skipped">The entities the set in use left out, with reasons.</param>
public sealed record MetadataSourceStatus(
    string Name,
    DateTimeOffset? LastSuccess,
    DateTimeOffset? LastFailure,
    MetadataRejection? LastRejection,
    string? LastError,
    int IdentityProviders,
    IReadOnlyList<SkippedEntity> Skipped,
    DateTimeOffset? ValidUntil)
{
    public bool IsReady => LastSuccess is not null;

    /// <summary>How old the set in use is; null before the first success.</summary>
    public TimeSpan? Age(DateTimeOffset now) => now - LastSuccess;
}
