using AaiProxy.Federation;
using AaiProxy.Server.Configuration;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace AaiProxy.Server.Upstream.Saml;

/// <summary>Readiness of the federation metadata: Unhealthy while an aggregate has never loaded (its IdPs cannot be
/// offered), Degraded when the set in use is older than <c>AaiProxy:Telemetry:MetadataMaxAge</c> (refreshes
/// keep failing; the last good set still serves) or when an MDQ service's latest query failed (unreachable, or its
/// answer refused: IdPs not cached yet cannot be reached through it). An MDQ service has nothing to load: it is
/// otherwise ready, and its data says how many IdPs it has answered for and how many entity IDs it found unknown.</summary>
internal sealed class FederationMetadataHealthCheck(FederationMetadataProvider federations, MdqFederations mdq, IOptions<ProxyOptions> options,
    TimeProvider time) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var now = time.GetUtcNow();
        var statuses = federations.Status;
        var services = mdq.Services.Select(service => (service.Name, Status: service.Provider.Status)).ToList();
        var data = statuses.ToDictionary(status => status.Name, object (status) => new Dictionary<string, object?>
        {
            ["identityProviders"] = status.IdentityProviders,
            ["ageSeconds"] = status.Age(now) is { } age ? (long)age.TotalSeconds : null,
            ["lastError"] = status.LastError,
        });
        foreach (var (name, status) in services)
        {
            data[name] = new Dictionary<string, object?>
            {
                ["kind"] = "mdq",
                ["identityProviders"] = status.IdentityProviders,
                ["unknownEntities"] = status.Unknown,
                ["lastError"] = status.IsFailing ? status.LastError : null,
            };
        }

        var neverLoaded = statuses.Where(status => !status.IsReady).Select(status => status.Name).ToList();
        if (neverLoaded.Count > 0)
        {
            return Task.FromResult(HealthCheckResult.Unhealthy($"Federation metadata not loaded yet: {string.Join(", ", neverLoaded)}.", data: data));
        }

        var stale = statuses.Where(status => status.Age(now) > options.Value.Telemetry.MetadataMaxAge).Select(status => status.Name).ToList();
        var failing = services.Where(service => service.Status.IsFailing).Select(service => service.Name).ToList();
        var problems = new List<string>();
        if (stale.Count > 0)
        {
            problems.Add($"Federation metadata older than {options.Value.Telemetry.MetadataMaxAge}: {string.Join(", ", stale)}.");
        }

        if (failing.Count > 0)
        {
            problems.Add($"MDQ service(s) failing on their latest query: {string.Join(", ", failing)}.");
        }

        return Task.FromResult(problems.Count > 0
            ? HealthCheckResult.Degraded(string.Join(" ", problems), data: data)
            : HealthCheckResult.Healthy($"{statuses.Count} federation aggregate(s) loaded, {services.Count} MDQ service(s) answering.", data));
    }
}
