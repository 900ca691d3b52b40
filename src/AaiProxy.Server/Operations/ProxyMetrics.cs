using System.Diagnostics.Metrics;
using AaiProxy.Federation;

namespace AaiProxy.Server.Operations;

/// <summary>
/// The proxy's own metrics (meter <see cref="MeterName"/>), exported by OpenTelemetry (Prometheus scrape,
/// OTLP). Tags have bounded values: protocol and issuer of configured upstreams, grant types, client ids
/// of registered clients, OAuth error codes, names of configured federations.
/// </summary>
public sealed class ProxyMetrics : IDisposable
{
    public const string MeterName = "AaiProxy";

    private readonly Meter meter;
    private readonly Counter<long> logins;
    private readonly Counter<long> tokens;
    private readonly Counter<long> errors;

    public ProxyMetrics(IMeterFactory meters, FederationMetadataProvider federations, TimeProvider time)
    {
        meter = meters.Create(MeterName);
        logins = meter.CreateCounter<long>("aaiproxy.logins", "{login}", "Upstream logins by protocol, issuer and outcome.");
        tokens = meter.CreateCounter<long>("aaiproxy.tokens", "{response}", "Token endpoint responses that issued tokens, by grant type and client.");
        errors = meter.CreateCounter<long>("aaiproxy.errors", "{error}", "OAuth/OIDC requests rejected, by endpoint and error code.");
        meter.CreateObservableGauge("aaiproxy.metadata.age", () => MetadataAges(federations, time.GetUtcNow()), "s",
            "Seconds since each federation aggregate in use was read; a source never read yet is absent (readiness reports it).");
    }

    /// <summary>One measurement per aggregate source that has been read, tagged with its configured name.</summary>
    private static IEnumerable<Measurement<double>> MetadataAges(FederationMetadataProvider federations, DateTimeOffset now) =>
        federations.Status.Where(status => status.LastSuccess is not null)
            .Select(status => new Measurement<double>(status.Age(now)!.Value.TotalSeconds, new KeyValuePair<string, object?>("source", status.Name)));

    public Meter Meter => meter;

    public void LoginSucceeded(string protocol, string issuer) =>
        logins.Add(1, new("protocol", protocol), new("issuer", issuer), new("outcome", "success"));

    /// <param name="issuer">A configured upstream; null when the login failed before one was chosen.</param>
    public void LoginFailed(string protocol, string? issuer, string error) =>
        logins.Add(1, new("protocol", protocol), new("issuer", issuer ?? "unknown"), new("outcome", error));

    public void TokensIssued(string grantType, string? clientId) =>
        tokens.Add(1, new("grant_type", grantType), new("client_id", clientId ?? "unknown"));

    public void RequestRejected(string endpoint, string error) =>
        errors.Add(1, new("endpoint", endpoint), new("error", error));

    public void Dispose() => meter.Dispose();
}
