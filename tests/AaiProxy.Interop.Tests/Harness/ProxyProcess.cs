using System.Diagnostics;
using System.Globalization;

namespace AaiProxy.Interop.Tests.Harness;

/// <summary>
/// The proxy run for real: <c>dotnet AaiProxy.Server.dll --urls http://127.0.0.1:PORT</c> as a
/// child process configured by <see cref="ProxyConfiguration"/>; its console goes to a log file.
/// </summary>
internal sealed class ProxyProcess : IAsyncDisposable
{
    // Generous: a proxy configured with an eduGAIN-sized aggregate reads it before it serves, and the 2-core
    // machine the suites run on is shared.
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(180);

    private readonly Process process;
    private readonly StreamWriter log;

    private ProxyProcess(Process process, StreamWriter log, ProxyConfiguration configuration, string logFile)
    {
        this.process = process;
        this.log = log;
        Configuration = configuration;
        LogFile = logFile;
    }

    public ProxyConfiguration Configuration { get; }

    public Uri BaseUrl => Configuration.BaseUrl;

    public string LogFile { get; }

    public static async Task<ProxyProcess> StartAsync(ProxyConfiguration configuration, string logFile)
    {
        var assembly = RepositoryPaths.ServerAssembly();
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = Path.GetDirectoryName(assembly)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.ArgumentList.Add(assembly);
        start.ArgumentList.Add("--urls");
        start.ArgumentList.Add(configuration.BaseUrl.ToString().TrimEnd('/'));
        foreach (var (name, value) in configuration.EnvironmentVariables())
        {
            start.Environment[name] = value;
        }

        var log = new StreamWriter(logFile) { AutoFlush = true };
        var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, line) => WriteLine(log, line.Data);
        process.ErrorDataReceived += (_, line) => WriteLine(log, line.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        var proxy = new ProxyProcess(process, log, configuration, logFile);
        try
        {
            await proxy.WaitUntilListeningAsync();
            return proxy;
        }
        catch
        {
            await proxy.DisposeAsync();
            throw;
        }
    }

    /// <summary>The proxy's SAML SP metadata, as published at <c>/saml/metadata</c>.</summary>
    public async Task<string> FetchServiceProviderMetadataAsync()
    {
        using var http = new HttpClient { BaseAddress = BaseUrl };
        using var response = await http.GetAsync(new Uri("/saml/metadata", UriKind.Relative));
        var body = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode || !body.Contains("SPSSODescriptor", StringComparison.Ordinal))
        {
            throw new InvalidOperationException(
                $"The proxy published no SP metadata at /saml/metadata (HTTP {(int)response.StatusCode}). Log: {LogFile}");
        }

        return body;
    }

    /// <summary>SIGKILL, as a crashed node or a lost machine: no graceful shutdown, nothing flushed.</summary>
    public async Task KillAsync()
    {
        process.Kill(entireProcessTree: true);
        await process.WaitForExitAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }

        process.Dispose();
        lock (log)
        {
            log.Dispose();
        }
    }

    private static void WriteLine(StreamWriter log, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (log)
        {
            if (log.BaseStream.CanWrite)
            {
                log.WriteLine(line);
            }
        }
    }

    private async Task WaitUntilListeningAsync()
    {
        using var http = new HttpClient { BaseAddress = BaseUrl, Timeout = TimeSpan.FromSeconds(2) };
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < StartTimeout)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException(
                    $"The proxy exited with code {process.ExitCode.ToString(CultureInfo.InvariantCulture)} while starting. Log: {LogFile}\n{Tail(LogFile)}");
            }

            try
            {
                using var _ = await http.GetAsync(new Uri("/", UriKind.Relative));
                return; // any HTTP answer: Kestrel is listening
            }
            catch (HttpRequestException)
            {
            }
            catch (TaskCanceledException)
            {
            }

            await Task.Delay(200);
        }

        throw new TimeoutException($"The proxy did not answer on {BaseUrl} within {StartTimeout}. Log: {LogFile}");
    }

    /// <summary>
    /// Waits until the proxy's log contains <paramref name="text"/> (at least <paramref name="occurrences"/> times):
    /// the console logger writes in the background, so a line may land shortly after the browser has seen the response.
    /// </summary>
    public async Task<bool> WaitForLogAsync(string text, TimeSpan timeout, int occurrences = 1)
    {
        var waited = Stopwatch.StartNew();
        while (ReadShared(LogFile).Split(text).Length - 1 < occurrences)
        {
            if (waited.Elapsed > timeout)
            {
                return false;
            }

            await Task.Delay(100);
        }

        return true;
    }

    internal static string Tail(string file, int lines = 30)
    {
        try
        {
            return string.Join('\n', ReadShared(file).Split('\n').TakeLast(lines));
        }
        catch (IOException exception)
        {
            return $"(cannot read {file}: {exception.Message})";
        }
    }

    // The file is still open for writing (by this process, or by a peer).
    private static string ReadShared(string file)
    {
        using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
