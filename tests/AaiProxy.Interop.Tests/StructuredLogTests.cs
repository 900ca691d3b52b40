using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using AaiProxy.Interop.Tests.Harness;

namespace AaiProxy.Interop.Tests;

/// <summary>
/// Issue 20: with the deployment's logging settings (<c>deploy/</c>: the console's JSON formatter with scopes) the
/// real proxy writes one JSON object a line, and the correlation id a person is shown on an error page finds the
/// line that says why, by its own field and by the request's trace id in the scopes.
/// </summary>
public sealed partial class StructuredLogTests : IDisposable
{
    private readonly DirectoryInfo directory = Directory.CreateTempSubdirectory("aaiproxy-jsonlog-");

    [Fact]
    public async Task Every_log_line_is_json_and_an_error_pages_correlation_id_finds_the_line_that_says_why()
    {
        var log = Path.Combine(directory.FullName, "proxy.log");
        string correlationId;
        await using (var proxy = await ProxyProcess.StartAsync(new ProxyConfiguration(FreePort.Next(), directory.CreateSubdirectory("data").FullName,
            Settings: DeployedConsoleSettings()), log))
        {
            using var http = new HttpClient { BaseAddress = proxy.BaseUrl };
            // An ACS post without a SAML response: the person sees a page with a correlation id.
            using var answer = await http.PostAsync(new Uri("/saml/acs", UriKind.Relative), new FormUrlEncodedContent([]));
            Assert.Equal(HttpStatusCode.BadRequest, answer.StatusCode);
            correlationId = CorrelationId().Match(await answer.Content.ReadAsStringAsync()).Groups["id"].Value;
            Assert.NotEmpty(correlationId);
            Assert.True(await proxy.WaitForLogAsync(correlationId, TimeSpan.FromSeconds(10)), "the correlation id never reached the log");
        }

        var entries = File.ReadAllLines(log).Where(line => line.Length > 0).Select(line => JsonDocument.Parse(line).RootElement.Clone()).ToList();
        var why = Assert.Single(entries, entry => entry.TryGetProperty("State", out var state) &&
            state.TryGetProperty("CorrelationId", out var id) && id.GetString() == correlationId);
        Assert.Contains("without a SAMLResponse", why.GetProperty("Message").GetString());
        // W3C trace context: 00-{trace id}-{span id}-{flags}; every line of the request carries the trace id.
        var traceId = correlationId.Split('-')[1];
        Assert.Contains(why.GetProperty("Scopes").EnumerateArray(), scope =>
            scope.ValueKind == JsonValueKind.Object && scope.TryGetProperty("TraceId", out var trace) && trace.GetString() == traceId);
    }

    public void Dispose() => directory.Delete(recursive: true);

    /// <summary>The console logging settings of the compose deployment's environment file, as configuration keys.</summary>
    private static Dictionary<string, string> DeployedConsoleSettings()
    {
        var settings = File.ReadAllLines(Path.Combine(RepositoryPaths.Root, "deploy", "compose", "aaiproxy.env"))
            .Where(line => line.StartsWith("Logging__Console__", StringComparison.Ordinal))
            .Select(line => line.Split('=', 2))
            .ToDictionary(pair => pair[0].Replace("__", ":", StringComparison.Ordinal), pair => pair[1]);
        Assert.Equal("json", settings["Logging:Console:FormatterName"]);
        return settings;
    }

    [GeneratedRegex("data-correlation-id>(?<id>[^<]+)</code>")]
    private static partial Regex CorrelationId();
}
