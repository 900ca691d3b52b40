using AaiProxy.Data;
using AaiProxy.Data.Entities;
using AaiProxy.Server.Configuration;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace AaiProxy.Server.Oidc;

/// <summary>Readiness: an active signing key of the configured algorithm is stored (tokens can be issued and
/// every node signs with the same key).</summary>
internal sealed class SigningKeyHealthCheck(ServerKeyStore store, IOptions<ProxyOptions> options) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var algorithm = options.Value.Tokens.SigningAlgorithm;
        // The description only: a probe every few seconds has no reason to decrypt private keys.
        var keys = store.List().Where(key => key.Usage == ServerKeyUsage.Signing && key.Status == ServerKeyStatus.Active).ToList();
        return Task.FromResult(keys.Any(key => key.Algorithm == algorithm)
            ? HealthCheckResult.Healthy($"{keys.Count} active signing key(s).")
            : HealthCheckResult.Unhealthy($"No active {algorithm} signing key is stored."));
    }
}
