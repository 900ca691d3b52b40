using AaiProxy.Server.Web;

namespace AaiProxy.Server.Upstream.Discovery;

/// <summary>Discovery log lines (event ids 32xx). Logo URLs come from metadata: logged as untrusted text.</summary>
internal static partial class DiscoveryLog
{
    public static void LogoRefused(ILogger logger, string url, int status, string? contentType) =>
        LogoRefusedCore(logger, LogText.Untrusted(url), status, LogText.Untrusted(contentType));

    public static void LogoUnavailable(ILogger logger, string url, string failure) =>
        LogoUnavailableCore(logger, LogText.Untrusted(url), failure);

    public static void LogoAddressRefused(ILogger logger, string url, string reason) =>
        LogoAddressRefusedCore(logger, LogText.Untrusted(url), LogText.Untrusted(reason));

    [LoggerMessage(EventId = 3203, Level = LogLevel.Warning,
        Message = "Identity provider logo {Url} not fetched: {Reason} Logos are fetched from public addresses only")]
    private static partial void LogoAddressRefusedCore(ILogger logger, string? url, string? reason);

    [LoggerMessage(EventId = 3201, Level = LogLevel.Information,
        Message = "Identity provider logo {Url} not used: status {Status}, type {ContentType}, or larger than allowed")]
    private static partial void LogoRefusedCore(ILogger logger, string? url, int status, string? contentType);

    [LoggerMessage(EventId = 3202, Level = LogLevel.Information, Message = "Identity provider logo {Url} could not be fetched: {Failure}")]
    private static partial void LogoUnavailableCore(ILogger logger, string? url, string failure);
}
