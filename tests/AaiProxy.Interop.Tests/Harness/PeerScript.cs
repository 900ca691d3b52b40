using System.Diagnostics;

namespace AaiProxy.Interop.Tests.Harness;

/// <summary>Runs one of the tests/peers scripts and reads the <c>key=value</c> lines it prints.</summary>
internal static class PeerScript
{
    // First use may install Debian packages (SimpleSAMLphp pulls Apache: ~30 s; Chromium ~13 s).
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(5);

    public static async Task<IReadOnlyDictionary<string, string>> RunAsync(
        ITestOutputHelper output, string script, params string[] arguments)
    {
        var start = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(RepositoryPaths.PeerScript(script));
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        var stopwatch = Stopwatch.StartNew();
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"cannot run {script}");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using (var timeout = new CancellationTokenSource(Timeout))
        {
            try
            {
                await process.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                throw new TimeoutException($"{script} {string.Join(' ', arguments)} took longer than {Timeout}.");
            }
        }

        var diagnostics = (await stderr).Trim();
        output.WriteLine($"{script} {string.Join(' ', arguments)}: exit {process.ExitCode} after {stopwatch.ElapsedMilliseconds} ms{(diagnostics.Length > 0 ? "\n" + diagnostics : "")}");
        return process.ExitCode switch
        {
            0 => ParseKeyValues(await stdout),
            PeerAvailability.ScriptExitUnavailable => throw PeerAvailability.Unavailable($"{script}: {LastLine(diagnostics)}"),
            _ => throw new InvalidOperationException($"{script} {string.Join(' ', arguments)} failed with exit {process.ExitCode}:\n{diagnostics}"),
        };
    }

    private static Dictionary<string, string> ParseKeyValues(string text) =>
        text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(line => line.Split('=', 2))
            .Where(pair => pair.Length == 2)
            .ToDictionary(pair => pair[0], pair => pair[1], StringComparer.Ordinal);

    private static string LastLine(string text) => text.Split('\n').LastOrDefault(line => line.Length > 0) ?? "(no message)";
}
