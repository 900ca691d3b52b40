using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using AaiProxy.Interop.Tests.Harness;

namespace AaiProxy.Interop.Tests;

/// <summary>
/// Issue 20: the proxy run for real on a PostgreSQL of its own. <c>/health/ready</c> turns unhealthy when
/// PostgreSQL stops and healthy again when it returns, without restarting the proxy, while <c>/health/live</c>
/// stays healthy throughout; Prometheus scrapes the token counter and the latency histogram from loopback.
/// </summary>
public sealed class ReadinessTests(ITestOutputHelper output) : IAsyncLifetime
{
    private static readonly TimeSpan RecoveryTimeout = TimeSpan.FromSeconds(60);

    private readonly string directory = Path.Combine(Path.GetTempPath(), $"aaiproxy-ready-{Guid.NewGuid():N}");
    private int postgresPort;

    public Task InitializeAsync()
    {
        Directory.CreateDirectory(Path.Combine(directory, "postgres"));
        postgresPort = FreePort.Next();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await PeerScript.RunAsync(output, "postgres.sh", "stop", Path.Combine(directory, "postgres"));
        Directory.Delete(directory, recursive: true);
    }

    [SkippableFact]
    public async Task Readiness_follows_postgresql_down_and_back_up_without_a_restart_and_metrics_count_tokens()
    {
        await StartPostgresAsync();
        var data = Directory.CreateDirectory(Path.Combine(directory, "proxy-data")).FullName;
        await using var proxy = await ProxyProcess.StartAsync(new ProxyConfiguration(FreePort.Next(), data, Settings: new Dictionary<string, string>
        {
            ["AaiProxy:Database:Provider"] = "PostgreSql",
            ["AaiProxy:SingleNode"] = "true",
            ["ConnectionStrings:AaiProxy"] = $"Host=127.0.0.1;Port={postgresPort};Username=postgres;Database=postgres;Timeout=3",
        }), Path.Combine(directory, "proxy.log"));
        using var http = new HttpClient { BaseAddress = proxy.BaseUrl, Timeout = TimeSpan.FromSeconds(20) };

        Assert.Equal(("Healthy", "Healthy"), await ReadinessAsync(http));

        await PeerScript.RunAsync(output, "postgres.sh", "stop", Path.Combine(directory, "postgres"));
        Assert.Equal(("Unhealthy", "Unhealthy"), await ReadinessAsync(http));
        using (var live = await http.GetAsync(new Uri("/health/live", UriKind.Relative)))
        {
            Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        }

        await StartPostgresAsync();
        var recovered = System.Diagnostics.Stopwatch.StartNew();
        var state = await ReadinessAsync(http);
        while (state.Overall != "Healthy" && recovered.Elapsed < RecoveryTimeout)
        {
            state = await ReadinessAsync(http); // each attempt is a real request; the pool reconnects on its own
        }

        Assert.Equal(("Healthy", "Healthy"), state);

        using var token = new HttpRequestMessage(HttpMethod.Post, new Uri("/connect/token", UriKind.Relative))
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string> { ["grant_type"] = "client_credentials" }),
        };
        token.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.ASCII.GetBytes("demo-service:demo-service-secret")));
        using (var issued = await http.SendAsync(token))
        {
            Assert.Equal(HttpStatusCode.OK, issued.StatusCode);
        }

        var metrics = await http.GetStringAsync(new Uri("/metrics", UriKind.Relative));
        Assert.Contains(metrics.Split('\n'), line => line.StartsWith("aaiproxy_tokens_total{", StringComparison.Ordinal)
            && line.Contains("grant_type=\"client_credentials\"", StringComparison.Ordinal)
            && line.Contains("client_id=\"demo-service\"", StringComparison.Ordinal));
        // Latency histograms come from ASP.NET Core's own instrumentation, by route.
        Assert.Contains(metrics.Split('\n'), line => line.StartsWith("http_server_request_duration_seconds_bucket{", StringComparison.Ordinal)
            && line.Contains("http_route=\"/connect/token\"", StringComparison.Ordinal));
    }

    private async Task StartPostgresAsync() =>
        await PeerScript.RunAsync(output, "postgres.sh", "start", Path.Combine(directory, "postgres"), postgresPort.ToString(System.Globalization.CultureInfo.InvariantCulture));

    private async Task<(string Overall, string Database)> ReadinessAsync(HttpClient http)
    {
        using var response = await http.GetAsync(new Uri("/health/ready", UriKind.Relative));
        var text = await response.Content.ReadAsStringAsync();
        output.WriteLine($"/health/ready {(int)response.StatusCode}: {text}");
        using var body = JsonDocument.Parse(text);
        var overall = body.RootElement.GetProperty("status").GetString()!;
        Assert.Equal(overall == "Unhealthy" ? HttpStatusCode.ServiceUnavailable : HttpStatusCode.OK, response.StatusCode);
        return (overall, body.RootElement.GetProperty("checks").GetProperty("database").GetProperty("status").GetString()!);
    }
}
