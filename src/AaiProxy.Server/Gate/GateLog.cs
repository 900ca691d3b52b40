namespace AaiProxy.Server;

internal static partial class Log
{
    [LoggerMessage(EventId = 2300, Level = LogLevel.Information, Message = "Gate {Verdict} {Uri}: subject {Subject}, proposal {Proposal}: {Reason}.")]
    public static partial void GateDecided(ILogger logger, AaiProxy.Server.Gate.GateVerdict verdict, string uri, string subject, string proposal, string reason);

    [LoggerMessage(EventId = 2301, Level = LogLevel.Warning, Message = "Gate request without X-Original-URI or X-Forwarded-Uri: configure the web server to send the original URI.")]
    public static partial void GateWithoutOriginalUri(ILogger logger);
}
