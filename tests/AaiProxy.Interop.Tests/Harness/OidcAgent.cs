using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;

namespace AaiProxy.Interop.Tests.Harness;

/// <summary>
/// Debian's oidc-agent (tests/peers/oidc-agent.sh) in a throwaway directory: its own socket and configuration
/// directory, so nothing of the machine's own agent or accounts is used or touched. <see cref="StartDeviceLoginAsync"/>
/// runs <c>oidc-gen</c> with the device flow as a person would (it prints the verification URI and the code, then polls
/// the token endpoint until the person approves); <see cref="AccessTokenAsync"/> asks the agent with <c>oidc-token</c>.
/// </summary>
internal sealed partial class OidcAgent : IAsyncDisposable
{
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromSeconds(60);

    private readonly ITestOutputHelper output;
    private readonly string directory;
    private readonly IReadOnlyDictionary<string, string> environment;
    private readonly List<Process> running = [];

    private OidcAgent(ITestOutputHelper output, string directory, IReadOnlyDictionary<string, string> environment)
    {
        this.output = output;
        this.directory = directory;
        this.environment = environment;
    }

    public static async Task<OidcAgent> StartAsync(ITestOutputHelper output, string directory)
    {
        var printed = await PeerScript.RunAsync(output, "oidc-agent.sh", "start", directory);
        return new OidcAgent(output, directory, new Dictionary<string, string>
        {
            ["OIDC_SOCK"] = printed["socket"],
            ["OIDC_CONFIG_DIR"] = printed["config_dir"],
            ["OIDC_AGENT_NOCOLOR"] = "1",
        });
    }

    /// <summary>
    /// <c>oidc-gen</c> for account <paramref name="account"/> of public client <paramref name="clientId"/> at
    /// <paramref name="issuer"/> with the device flow, nothing saved to disk (the account lives in the agent only).
    /// Without a client id oidc-gen registers a client itself at the proxy's registration endpoint (RFC 7591), as it
    /// does by default.
    /// Returns once oidc-gen shows the verification URI and the code; <see cref="DeviceLogin.CompletedAsync"/> ends when
    /// the agent holds the account's tokens.
    /// </summary>
    public async Task<DeviceLogin> StartDeviceLoginAsync(Uri issuer, string? clientId, string scope, string account)
    {
        var process = Start("oidc-gen",
        [
            $"--iss={issuer}",
            // A public client: no secret (oidc-agent then authenticates as "client_id:" with HTTP Basic).
            .. clientId is null ? Array.Empty<string>() : [$"--client-id={clientId}", "--client-secret="],
            "--flow=device", $"--scope={scope}",
            "--no-url-call", "--prompt=none", "--confirm-default", "--no-save",
            account,
        ]);
        running.Add(process);
        var shown = new StringBuilder();
        var prompt = new TaskCompletionSource<(Uri, string)>(TaskCreationOptions.RunContinuationsAsynchronously);
        string? verificationUri = null;
        process.ErrorDataReceived += (_, line) =>
        {
            if (line.Data is null)
            {
                prompt.TrySetException(new InvalidOperationException($"oidc-gen ended before showing a code:\n{shown}"));
                return;
            }

            lock (shown)
            {
                // The QR code oidc-gen draws with terminal colours says nothing the lines around it do not.
                if (!line.Data.Contains('\u001b', StringComparison.Ordinal))
                {
                    shown.AppendLine(line.Data);
                }

                verificationUri ??= Uri.TryCreate(line.Data.Trim(), UriKind.Absolute, out var uri) && uri.Scheme.StartsWith("http", StringComparison.Ordinal)
                    ? line.Data.Trim()
                    : null;
                if (verificationUri is not null && UserCodeLine().Match(line.Data) is { Success: true } code)
                {
                    prompt.TrySetResult((new Uri(verificationUri), code.Groups["code"].Value));
                }
            }
        };
        var stdout = process.StandardOutput.ReadToEndAsync();
        process.BeginErrorReadLine();

        var (verification, userCode) = await prompt.Task.WaitAsync(CommandTimeout);
        output.WriteLine($"oidc-gen shows {verification} and code {userCode}");
        return new DeviceLogin(verification, userCode, async () =>
        {
            await WaitAsync(process, "oidc-gen");
            var printed = await stdout;
            output.WriteLine($"oidc-gen: exit {process.ExitCode}\n{printed}\n{shown}");
            Assert.True(process.ExitCode == 0, $"oidc-gen failed with exit {process.ExitCode}:\n{printed}\n{shown}");
        });
    }

    /// <summary>An access token from the agent (<c>oidc-token</c>), for <paramref name="audience"/> (<c>--aud</c>) when given.</summary>
    public async Task<string> AccessTokenAsync(string account, string? audience = null)
    {
        var (exitCode, stdout, stderr) = await TokenCommandAsync(account, audience);
        Assert.True(exitCode == 0, $"oidc-token {(audience is null ? "" : $"--aud={audience} ")}{account} failed with exit {exitCode}:\n{stdout}\n{stderr}");
        return stdout.Trim();
    }

    /// <summary>Runs <c>oidc-token</c> as it is, for tests that expect a refusal.</summary>
    public async Task<(int ExitCode, string Stdout, string Stderr)> TokenCommandAsync(string account, string? audience = null)
    {
        // --force-new: a token for this call, never the agent's cached one for another audience.
        var process = Start("oidc-token", audience is null ? ["--force-new", account] : ["--force-new", $"--aud={audience}", account]);
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await WaitAsync(process, "oidc-token");
        output.WriteLine($"oidc-token {(audience is null ? "" : $"--aud={audience} ")}{account}: exit {process.ExitCode}\n{await stderr}");
        return (process.ExitCode, await stdout, await stderr);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var process in running.Where(process => !process.HasExited))
        {
            process.Kill(entireProcessTree: true);
        }

        foreach (var process in running)
        {
            process.Dispose();
        }

        await PeerScript.RunAsync(output, "oidc-agent.sh", "stop", directory);
    }

    private Process Start(string command, params string[] arguments)
    {
        var start = new ProcessStartInfo(command)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException($"cannot run {command}");
        // Never a prompt: whatever asks for input reads end of file.
        process.StandardInput.Close();
        return process;
    }

    private static async Task WaitAsync(Process process, string command)
    {
        using var timeout = new CancellationTokenSource(CommandTimeout);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{command} did not finish within {CommandTimeout}.");
        }
    }

    // oidc-gen 4.x: "And enter the code: ABCD-EFGH".
    [GeneratedRegex(@"enter the code:\s*(?<code>\S+)")]
    private static partial Regex UserCodeLine();
}

/// <summary>A device login oidc-gen has started: what it shows the person, and its end.</summary>
internal sealed record DeviceLogin(Uri VerificationUri, string UserCode, Func<Task> CompletedAsync);
