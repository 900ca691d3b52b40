using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.RegularExpressions;

namespace AaiProxy.Interop.Tests.Harness;

/// <summary>
/// A throwaway nginx (tests/peers/nginx.sh) running the repository's own example,
/// <c>deploy/examples/nginx/download-gate.conf.template</c>, rendered with this instance's values: files under
/// <c>/data/</c> over TLS (a certificate made here for 127.0.0.1, trusted by <see cref="CreateHttpClient"/> and
/// <see cref="CertificateFile"/> alone) through <c>auth_request</c> to the proxy's gate, the gate's subject and proposal
/// in the access log. Besides the example, one plain-HTTP server answers 404 at <see cref="CallbackUrl"/>: a redirect
/// URI whose code a test reads from the browser's address. Add files with <see cref="AddFile"/>, start after the proxy.
/// <paramref name="host"/> names the download host (a <c>*.localhost</c> name reaches 127.0.0.1 in Chromium and curl,
/// and keeps cookies apart from another host's, which a port does not).
/// </summary>
internal sealed partial class NginxGate : IAsyncDisposable
{
    /// <summary>The example the harness runs, relative to the repository root.</summary>
    public static readonly string ExampleTemplate = Path.Combine("deploy", "examples", "nginx", "download-gate.conf.template");

    private readonly ITestOutputHelper output;
    private readonly string directory;
    private readonly int callbackPort;
    private readonly string thumbprint;
    private bool started;
    private bool passed;

    public NginxGate(ITestOutputHelper output, string directory, string host = "127.0.0.1")
    {
        this.output = output;
        Host = host;
        this.directory = Directory.CreateDirectory(directory).FullName;
        DataDirectory = Directory.CreateDirectory(Path.Combine(this.directory, "data")).FullName;
        Port = FreePort.Next();
        callbackPort = FreePort.Next();
        CertificateFile = Path.Combine(this.directory, "tls.crt");
        KeyFile = Path.Combine(this.directory, "tls.key");
        thumbprint = WriteCertificate(CertificateFile, KeyFile, host);
    }

    public int Port { get; }

    /// <summary>The download host's name (nginx <c>server_name</c>).</summary>
    public string Host { get; }

    /// <summary>What nginx serves at <c>/data/</c>.</summary>
    public string DataDirectory { get; }

    public Uri BaseUrl => new($"https://{Host}:{Port.ToString(CultureInfo.InvariantCulture)}");

    /// <summary>The gate's sign-in callback on this host: a redirect URI of the proxy's gate sign-in client.</summary>
    public Uri SignInCallbackUrl => new(BaseUrl, "/gate/oauth2/callback");

    /// <summary>A plain-HTTP page of this nginx that does not exist (404): a redirect URI for a test's code flow.</summary>
    public Uri CallbackUrl => new($"http://127.0.0.1:{callbackPort.ToString(CultureInfo.InvariantCulture)}/callback");

    /// <summary>The download server's certificate (PEM, for 127.0.0.1): the CA file for <c>curl --cacert</c>.</summary>
    public string CertificateFile { get; }

    private string KeyFile { get; }

    /// <summary>One line per request in the example's <c>aaiproxy_gate</c> format.</summary>
    public string AccessLog => Path.Combine(directory, "download-gate-access.log");

    public string ErrorLog => Path.Combine(directory, "error.log");

    /// <summary>Writes <paramref name="content"/> at <c>/data/<paramref name="relativePath"/></c> and returns its URL.</summary>
    public Uri AddFile(string relativePath, string content)
    {
        var path = Path.Combine(DataDirectory, relativePath);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, content);
        return new Uri(BaseUrl, "/data/" + relativePath);
    }

    /// <summary>An HTTP client that trusts this nginx's certificate, and no other.</summary>
    public HttpClient CreateHttpClient() => new(new HttpClientHandler
    {
        ServerCertificateCustomValidationCallback = (_, certificate, _, _) =>
            string.Equals(certificate?.Thumbprint, thumbprint, StringComparison.OrdinalIgnoreCase),
    });

    /// <summary>Starts nginx in front of the proxy at <paramref name="proxy"/> (whose <c>AaiProxy:Gate</c> is configured).</summary>
    public async Task StartAsync(Uri proxy)
    {
        var site = Path.Combine(directory, "site-template.conf");
        var example = await File.ReadAllTextAsync(Path.Combine(RepositoryPaths.Root, ExampleTemplate));
        await File.WriteAllTextAsync(site, Render(example, new Dictionary<string, string>
        {
            ["DOWNLOAD_LISTEN"] = $"127.0.0.1:{Port.ToString(CultureInfo.InvariantCulture)}",
            ["DOWNLOAD_SERVER_NAME"] = Host,
            ["TLS_CERTIFICATE"] = CertificateFile,
            ["TLS_CERTIFICATE_KEY"] = KeyFile,
            ["DATA_DIRECTORY"] = DataDirectory,
            ["AAIPROXY_ORIGIN"] = proxy.GetLeftPart(UriPartial.Authority),
            ["LOG_DIRECTORY"] = directory,
        }) + $$"""

            server {
              listen 127.0.0.1:{{callbackPort.ToString(CultureInfo.InvariantCulture)}};
              location / { return 404; }
            }
            """);
        await PeerScript.RunAsync(output, "nginx.sh", "start", directory, Port.ToString(CultureInfo.InvariantCulture), site);
        started = true;
    }

    /// <summary>The access log as written so far (nginx writes each line when the request ends).</summary>
    public string ReadAccessLog() => File.Exists(AccessLog) ? File.ReadAllText(AccessLog) : "";

    /// <summary>The access-log line of the example's format for a GET of <paramref name="file"/>.</summary>
    public static string AccessLogEntry(Uri file, HttpStatusCode status, string subject, string proposal) =>
        $"\"GET {file.AbsolutePath} HTTP/1.1\" {(int)status} sub={subject} proposal={proposal}";

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

    /// <summary>The example with each <c>${NAME}</c> replaced, as envsubst would; a name left unreplaced is an error.</summary>
    private static string Render(string template, IReadOnlyDictionary<string, string> values)
    {
        var rendered = Placeholder().Replace(template, match =>
            values.TryGetValue(match.Groups["name"].Value, out var value)
                ? value
                : throw new InvalidOperationException($"{ExampleTemplate} names ${{{match.Groups["name"].Value}}}, which the harness does not set."));
        var unused = values.Keys.Where(name => !template.Contains("${" + name + "}", StringComparison.Ordinal)).ToList();
        return unused.Count == 0
            ? rendered
            : throw new InvalidOperationException($"{ExampleTemplate} no longer names {string.Join(", ", unused)}: update the harness.");
    }

    /// <summary>A self-signed certificate for 127.0.0.1 and <paramref name="host"/> (subject alternative names), valid for a day; returns its thumbprint.</summary>
    private static string WriteCertificate(string certificateFile, string keyFile, string host)
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest($"CN={host}", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        if (!IPAddress.TryParse(host, out _))
        {
            names.AddDnsName(host);
        }

        request.CertificateExtensions.Add(names.Build());
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
        File.WriteAllText(certificateFile, certificate.ExportCertificatePem());
        File.WriteAllText(keyFile, key.ExportPkcs8PrivateKeyPem());
        return certificate.Thumbprint;
    }

    [GeneratedRegex(@"\$\{(?<name>[A-Z_]+)\}")]
    private static partial Regex Placeholder();
}
