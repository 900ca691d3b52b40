namespace AaiProxy.Server;

internal static partial class Log
{
    [LoggerMessage(EventId = 2300, Level = LogLevel.Information, Message = "Gate {Verdict} {Uri}: subject {Subject}, proposal {Proposal}: {Reason}.")]
    public static partial void GateDecided(ILogger logger, AaiProxy.Server.Gate.GateVerdict verdict, string uri, string subject, string proposal, string reason);

    [LoggerMessage(EventId = 2301, Level = LogLevel.Warning, Message = "Gate request without X-Original-URI or X-Forwarded-Uri: configure the web server to send the original URI.")]
    public static partial void GateWithoutOriginalUri(ILogger logger);

    [LoggerMessage(EventId = 2302, Level = LogLevel.Information, Message = "Gate sign-in of {Subject} on download host {Host}: gate cookie set.")]
    public static partial void GateSignedIn(ILogger logger, string subject, string host);

    [LoggerMessage(EventId = 2303, Level = LogLevel.Warning, Message = "Gate sign-in on download host {Host} failed: {Reason}")]
    public static partial void GateSignInFailed(ILogger logger, string host, string reason);

    [LoggerMessage(EventId = 2304, Level = LogLevel.Warning, Message = "Gate sign-in refused: {Reason}")]
    public static partial void GateSignInRefused(ILogger logger, string reason);
}
