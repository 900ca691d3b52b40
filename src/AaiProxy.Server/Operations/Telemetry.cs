using System.Net;
using AaiProxy.Server.Configuration;
using Microsoft.Extensions.Options;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace AaiProxy.Server.Operations;

/// <summary>OpenTelemetry metrics and traces: ASP.NET Core, HttpClient, .NET runtime and <see cref="ProxyMetrics"/>;
/// exported by OTLP when <c>AaiProxy:Telemetry:OtlpEndpoint</c> (or the standard <c>OTEL_EXPORTER_OTLP_ENDPOINT</c>)
/// is set, and scraped by Prometheus at <see cref="MetricsPath"/> from the allowed networks only.</summary>
internal static class Telemetry
{
    public const string MetricsPath = "/metrics";
    public const string ServiceName = "aaiproxy";

    public static IServiceCollection AddProxyTelemetry(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton<ProxyMetrics>();
        // Whether to export by OTLP decides which exporters exist; the endpoint itself is read by the exporter.
        var otlp = configuration[$"{ProxyOptions.SectionName}:Telemetry:OtlpEndpoint"] ?? configuration["OTEL_EXPORTER_OTLP_ENDPOINT"];
        services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(ServiceName))
            .WithMetrics(metrics =>
            {
                metrics.AddMeter(ProxyMetrics.MeterName).AddAspNetCoreInstrumentation().AddHttpClientInstrumentation()
                    .AddRuntimeInstrumentation().AddPrometheusExporter();
                if (!string.IsNullOrWhiteSpace(otlp))
                {
                    metrics.AddOtlpExporter(exporter => exporter.Endpoint = new Uri(otlp));
                }
            })
            .WithTracing(tracing =>
            {
                tracing.AddAspNetCoreInstrumentation().AddHttpClientInstrumentation();
                if (!string.IsNullOrWhiteSpace(otlp))
                {
                    tracing.AddOtlpExporter(exporter => exporter.Endpoint = new Uri(otlp));
                }
            });
        return services;
    }

    /// <summary>The Prometheus scrape endpoint, answering only addresses in <c>AaiProxy:Telemetry:MetricsAllowedNetworks</c>
    /// (loopback by default): metrics say who logs in from where and must not be public.</summary>
    public static IEndpointRouteBuilder MapProxyMetrics(this IEndpointRouteBuilder endpoints)
    {
        // Created now, not at the first login or token: the metadata-age gauge must be scraped from the start.
        endpoints.ServiceProvider.GetRequiredService<ProxyMetrics>();
        endpoints.MapPrometheusScrapingEndpoint(MetricsPath).AddEndpointFilter(async (context, next) =>
        {
            var telemetry = context.HttpContext.RequestServices.GetRequiredService<IOptions<ProxyOptions>>().Value.Telemetry;
            var remote = context.HttpContext.Connection.RemoteIpAddress;
            return remote is not null && Allowed(telemetry, remote) ? await next(context) : Results.NotFound();
        });
        return endpoints;
    }

    public static bool Allowed(TelemetryOptions telemetry, IPAddress remote)
    {
        var address = remote.IsIPv4MappedToIPv6 ? remote.MapToIPv4() : remote;
        return IPAddress.IsLoopback(address)
            || telemetry.MetricsAllowedNetworks.Any(network => IPNetwork.TryParse(network, out var parsed) && parsed.Contains(address));
    }
}
