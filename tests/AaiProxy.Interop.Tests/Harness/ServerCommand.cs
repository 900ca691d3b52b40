using System.Diagnostics;

namespace AaiProxy.Interop.Tests.Harness;

/// <summary>The real server executable run as an operator command (<c>dotnet AaiProxy.Server.dll keys list</c>).</summary>
internal static class ServerCommand
{
    public sealed record Result(int ExitCode, string Output, string Errors)
    {
        /// <summary>The tab-separated rows after the header.</summary>
        public IReadOnlyList<string[]> Rows => [.. Output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Skip(1).Select(line => line.TrimEnd('\r').Split('\t'))];
    }

    public static async Task<Result> RunAsync(IEnumerable<string> arguments, string workingDirectory, IReadOnlyDictionary<string, string> environment)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.ArgumentList.Add(RepositoryPaths.ServerAssembly());
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        await process.WaitForExitAsync(timeout.Token);
        return new Result(process.ExitCode, await output, await errors);
    }
}
