namespace AaiProxy.Server.Configuration;

/// <summary>Metrics and traces: section <c>AaiProxy:Telemetry</c>.</summary>
public sealed class TelemetryOptions
{
    /// <summary>An OTLP collector (gRPC, e.g. <c>http://otel-collector:4317</c>); unset: only the Prometheus endpoint.</summary>
    public Uri? OtlpEndpoint { get; set; }

    /// <summary>Networks (CIDR) besides loopback that may scrape <c>/metrics</c>, e.g. the Prometheus servers' <c>10.0.5.0/24</c>.</summary>
    public List<string> MetricsAllowedNetworks { get; set; } = [];

    /// <summary>Federation metadata older than this makes <c>/health/ready</c> report Degraded (still serving the last good set).</summary>
    public TimeSpan MetadataMaxAge { get; set; } = TimeSpan.FromHours(24);
}
