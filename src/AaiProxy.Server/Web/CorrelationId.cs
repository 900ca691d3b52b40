using System.Diagnostics;

namespace AaiProxy.Server.Web;

/// <summary>The id that ties an error shown to a person or client to its log lines.</summary>
internal static class CorrelationId
{
    public static string Of(HttpContext? httpContext) =>
        Activity.Current?.Id ?? httpContext?.TraceIdentifier ?? "none";
}
