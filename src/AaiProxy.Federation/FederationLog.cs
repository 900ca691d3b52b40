using AaiProxy.Federation.Reading;
using Microsoft.Extensions.Logging;

namespace AaiProxy.Federation;

internal static partial class FederationLog
{
    [LoggerMessage(EventId = 6000, Level = LogLevel.Information,
        Message = "Metadata source {Source} loaded: {IdentityProviders} identity provider(s) used, {Filtered} filtered out, {Skipped} skipped, {Others} other entities; valid until {ValidUntil}.")]
    public static partial void SourceLoaded(ILogger logger, string source, int identityProviders, int filtered, int skipped, int others, DateTimeOffset? validUntil);

    // Debug: the same entities are skipped at every refresh; the count is in 6000 and the list in the source status.
    [LoggerMessage(EventId = 6001, Level = LogLevel.Debug,
        Message = "Metadata source {Source} skipped entity {EntityId}: {Reason}")]
    private static partial void EntitySkippedCore(ILogger logger, string source, string entityId, string reason);

    [LoggerMessage(EventId = 6002, Level = LogLevel.Error,
        Message = "Metadata source {Source} refresh rejected ({Rejection}): {Reason}. Keeping the last good set from {LastSuccess} ({IdentityProviders} identity provider(s)).")]
    private static partial void RefreshRejectedCore(ILogger logger, string source, MetadataRejection rejection, string reason,
        DateTimeOffset? lastSuccess, int identityProviders);

    [LoggerMessage(EventId = 6003, Level = LogLevel.Error,
        Message = "Metadata source {Source}: the last good set expired at {ValidUntil} and no valid refresh replaced it; its identity providers are no longer used.")]
    public static partial void LastGoodExpired(ILogger logger, string source, DateTimeOffset? validUntil);

    [LoggerMessage(EventId = 6004, Level = LogLevel.Warning,
        Message = "MDQ source {Source}: query for {EntityId} failed ({Rejection}): {Reason}. Still-valid cached answer kept: {Kept}.")]
    private static partial void MdqQueryFailedCore(ILogger logger, string source, string entityId, MetadataRejection rejection, string reason, bool kept);

    public static void MdqQueryFailed(ILogger logger, string source, string entityId, MetadataRejectedException rejection, bool kept) =>
        MdqQueryFailedCore(logger, source, Clean(entityId), rejection.Reason, Clean(rejection.Message), kept);

    [LoggerMessage(EventId = 6005, Level = LogLevel.Error,
        Message = "Metadata source {Source}: the scheduled refresh failed unexpectedly; the last good set stays and the next refresh is scheduled.")]
    public static partial void RefreshFailed(ILogger logger, string source, Exception exception);

    public static void EntitySkipped(ILogger logger, string source, SkippedEntity skipped) =>
        EntitySkippedCore(logger, source, Clean(skipped.EntityId ?? "(no entityID)"), Clean(skipped.Reason));

    public static void RefreshRejected(ILogger logger, string source, MetadataRejectedException rejection, DateTimeOffset? lastSuccess, int identityProviders) =>
        RefreshRejectedCore(logger, source, rejection.Reason, Clean(rejection.Message), lastSuccess, identityProviders);

    // Metadata text is the peer's: no control characters (forged log lines), bounded length.
    private static string Clean(string text)
    {
        var cleaned = string.Concat(text.Select(c => char.IsControl(c) ? ' ' : c));
        return cleaned.Length <= 300 ? cleaned : cleaned[..300] + "…";
    }
}
