using System.Globalization;

namespace AaiProxy.Interop.Tests.Harness;

/// <summary>
/// A throwaway nginx (tests/peers/nginx.sh) serving a directory of files under <c>/data/</c> through
/// <c>auth_request</c> to the proxy's gate (<c>/gate/check</c>), as deploy/examples/nginx-gate.conf describes: the
/// original URI in <c>X-Original-URI</c>, the caller's <c>Authorization</c> header passed along, the gate's
/// <c>X-AaiProxy-Subject</c> and <c>X-AaiProxy-Proposal</c> written to its access log. Reusable by any test that
/// downloads through the gate: add files with <see cref="AddFile"/>, start it after the proxy.
/// </summary>
internal sealed class NginxGate : IAsyncDisposable
{
    private readonly ITestOutputHelper output;
    private readonly string directory;
    private bool started;
    private bool passed;

    public NginxGate(ITestOutputHelper output, string directory)
    {
        this.output = output;
        this.directory = Directory.CreateDirectory(directory).FullName;
        DataDirectory = Directory.CreateDirectory(Path.Combine(this.directory, "data")).FullName;
        Port = FreePort.Next();
    }

    public int Port { get; }

    /// <summary>What nginx serves at <c>/data/</c>.</summary>
    public string DataDirectory { get; }

    public Uri BaseUrl => new($"http://127.0.0.1:{Port.ToString(CultureInfo.InvariantCulture)}");

    /// <summary>One line per request: status, the gate's subject and proposal, the request.</summary>
    public string AccessLog => Path.Combine(directory, "gate-access.log");

    public string ErrorLog => Path.Combine(directory, "error.log");

    /// <summary>Writes <paramref name="content"/> at <c>/data/<paramref name="relativePath"/></c> and returns its URL.</summary>
    public Uri AddFile(string relativePath, string content)
    {
        var path = Path.Combine(DataDirectory, relativePath);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, content);
        return new Uri(BaseUrl, "/data/" + relativePath);
    }

    /// <summary>Starts nginx in front of the proxy at <paramref name="proxy"/> (whose <c>AaiProxy:Gate</c> is configured).</summary>
    public async Task StartAsync(Uri proxy)
    {
        var site = Path.Combine(directory, "site-template.conf");
        await File.WriteAllTextAsync(site, SiteConfiguration(proxy));
        await PeerScript.RunAsync(output, "nginx.sh", "start", directory, Port.ToString(CultureInfo.InvariantCulture), site);
        started = true;
    }

    /// <summary>The access log as written so far (nginx writes each line when the request ends).</summary>
    public string ReadAccessLog() => File.Exists(AccessLog) ? File.ReadAllText(AccessLog) : "";

    /// <summary>The scenario succeeded: nginx's state directory is removed at disposal (else kept for diagnosis).</summary>
    public void MarkPassed() => passed = true;

    public async ValueTask DisposeAsync()
    {
        if (started)
        {
            await PeerScript.RunAsync(output, "nginx.sh", "stop", directory);
        }

        if (passed)
        {
            Directory.Delete(directory, recursive: true);
        }
        else
        {
            output.WriteLine($"Kept nginx's state for diagnosis: {directory}");
        }
    }

    // nginx.sh puts this inside http { } and replaces @PORT@ and @DIR@. The same shape as deploy/examples/nginx-gate.conf.
    private static string SiteConfiguration(Uri proxy) => $$"""
        log_format gate '$status $gate_subject $gate_proposal "$request"';

        server {
          listen 127.0.0.1:@PORT@;
          access_log @DIR@/gate-access.log gate;

          location /data/ {
            root @DIR@;
            auth_request /_gate;
            auth_request_set $gate_subject $upstream_http_x_aaiproxy_subject;
            auth_request_set $gate_proposal $upstream_http_x_aaiproxy_proposal;
          }

          location = /_gate {
            internal;
            proxy_pass {{proxy.GetLeftPart(UriPartial.Authority)}}/gate/check;
            proxy_pass_request_body off;
            proxy_set_header Content-Length "";
            proxy_set_header X-Original-URI $request_uri;
          }
        }
        """;
}
