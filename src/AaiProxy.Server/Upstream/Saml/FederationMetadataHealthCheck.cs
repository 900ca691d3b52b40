using AaiProxy.Federation;
using AaiProxy.Server.Configuration;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace AaiProxy.Server.Upstream.Saml;

/// <summary>Readiness of the federation metadata: Unhealthy while a source has never loaded (its IdPs cannot be
/// offered), Degraded when the set in use is older than <c>AaiProxy:Telemetry:MetadataMaxAge</c> (refreshes
/// keep failing; the last good set still serves).</summary>
internal sealed class FederationMetadataHealthCheck(FederationMetadataProvider federations, IOptions<ProxyOptions> options, TimeProvider time) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var now = time.GetUtcNow();
        var statuses = federations.Status;
        var data = statuses.ToDictionary(status => status.Name, object (status) => new Dictionary<string, object?>
        {
            ["identityProviders"] = status.IdentityProviders,
            ["ageSeconds"] = status.Age(now) is { } age ? (long)age.TotalSeconds : null,
            ["lastError"] = status.LastError,
        });
        var neverLoaded = statuses.Where(status => !status.IsReady).Select(status => status.Name).ToList();
        if (neverLoaded.Count > 0)
        {
            return Task.FromResult(HealthCheckResult.Unhealthy($"Federation metadata not loaded yet: {string.Join(", ", neverLoaded)}.", data: data));
        }

        var stale = statuses.Where(status => status.Age(now) > options.Value.Telemetry.MetadataMaxAge).Select(status => status.Name).ToList();
        return Task.FromResult(stale.Count > 0
            ? HealthCheckResult.Degraded($"Federation metadata older than {options.Value.Telemetry.MetadataMaxAge}: {string.Join(", ", stale)}.", data: data)
            : HealthCheckResult.Healthy($"{statuses.Count} federation source(s) loaded.", data));
    }
}
