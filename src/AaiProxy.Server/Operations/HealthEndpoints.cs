using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace AaiProxy.Server.Operations;

/// <summary>
/// <c>/health/live</c> (and its alias <c>/healthz</c>): the process answers — no dependency is checked, so a
/// database outage never gets a node restarted. <c>/health/ready</c>: every check tagged <see cref="ReadyTag"/>
/// (database, Redis when configured, signing keys, federation metadata), 503 when one is Unhealthy; a JSON body
/// says which and why (never a secret).
/// </summary>
internal static class HealthEndpoints
{
    public const string ReadyTag = "ready";
    public const string LivePath = "/health/live";
    public const string ReadyPath = "/health/ready";
    public const string LegacyLivePath = "/healthz";

    public static IEndpointRouteBuilder MapProxyHealth(this IEndpointRouteBuilder endpoints)
    {
        var live = new HealthCheckOptions { Predicate = _ => false, ResponseWriter = WriteAsync };
        endpoints.MapHealthChecks(LivePath, live);
        endpoints.MapHealthChecks(LegacyLivePath, live);
        endpoints.MapHealthChecks(ReadyPath, new HealthCheckOptions
        {
            Predicate = check => check.Tags.Contains(ReadyTag),
            ResponseWriter = WriteAsync,
        });
        return endpoints;
    }

    private static Task WriteAsync(HttpContext httpContext, HealthReport report)
    {
        httpContext.Response.ContentType = "application/json";
        httpContext.Response.Headers.CacheControl = "no-store";
        return JsonSerializer.SerializeAsync(httpContext.Response.Body, new
        {
            status = report.Status.ToString(),
            durationMs = (long)report.TotalDuration.TotalMilliseconds,
            checks = report.Entries.ToDictionary(entry => entry.Key, entry => new
            {
                status = entry.Value.Status.ToString(),
                description = entry.Value.Description ?? entry.Value.Exception?.GetType().Name,
                data = entry.Value.Data.Count > 0 ? entry.Value.Data : null,
            }),
        }, cancellationToken: httpContext.RequestAborted);
    }
}
