using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;

namespace AaiProxy.Interop.Tests.Harness;

/// <summary>
/// The real <c>curl</c>, as a person downloads a file with a token from their agent:
/// <c>curl -H "Authorization: Bearer …" URL</c>. The bearer header goes through a file (<c>-H @file</c>) so the token
/// is not on the command line of a process others can list.
/// </summary>
internal static class Curl
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    /// <summary>GET <paramref name="url"/> with <paramref name="bearerToken"/> (none when null), trusting the server certificate
    /// in <paramref name="caCertificateFile"/> (PEM), following no redirect: the status curl saw, the body it wrote and the
    /// response headers.</summary>
    public static async Task<CurlResponse> GetAsync(ITestOutputHelper output, string directory, Uri url, string? bearerToken, string caCertificateFile)
    {
        var work = Directory.CreateDirectory(Path.Combine(directory, "curl-" + Guid.NewGuid().ToString("N"))).FullName;
        var header = Path.Combine(work, "authorization");
        var body = Path.Combine(work, "body");
        var headers = Path.Combine(work, "headers");
        await File.WriteAllTextAsync(header, bearerToken is null ? "" : $"Authorization: Bearer {bearerToken}\n");
        var start = new ProcessStartInfo("curl")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            ArgumentList =
            {
                "--silent", "--show-error", "--cacert", caCertificateFile, "--header", "@" + header, "--dump-header", headers,
                "--output", body, "--write-out", "%{http_code}", url.ToString(),
            },
        };
        Process process;
        try
        {
            process = Process.Start(start) ?? throw new InvalidOperationException("cannot run curl");
        }
        catch (Win32Exception exception)
        {
            throw PeerAvailability.Unavailable($"curl cannot be run: {exception.Message}");
        }

        using (process)
        {
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            using var timeout = new CancellationTokenSource(Timeout);
            await process.WaitForExitAsync(timeout.Token);
            var written = await stdout;
            output.WriteLine($"curl {url}: exit {process.ExitCode}, HTTP {written} {await stderr}");
            Assert.True(process.ExitCode == 0, $"curl {url} failed with exit {process.ExitCode}: {await stderr}");
            var content = File.Exists(body) ? await File.ReadAllTextAsync(body) : "";
            var headerLines = File.Exists(headers) ? await File.ReadAllTextAsync(headers) : "";
            Directory.Delete(work, recursive: true);
            return new CurlResponse(int.Parse(written, CultureInfo.InvariantCulture), content, headerLines);
        }
    }
}

/// <summary>What curl saw: the status, the body, and the response headers as sent (one per line).</summary>
internal sealed record CurlResponse(int Status, string Body, string Headers)
{
    public void Deconstruct(out int status, out string body)
    {
        status = Status;
        body = Body;
    }

    /// <summary>The values of response header <paramref name="name"/> (case-insensitive).</summary>
    public IReadOnlyList<string> Header(string name) =>
        [.. Headers.Split('\n').Select(line => line.TrimEnd('\r'))
            .Where(line => line.StartsWith(name + ":", StringComparison.OrdinalIgnoreCase))
            .Select(line => line[(name.Length + 1)..].Trim())];
}
