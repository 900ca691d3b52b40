using System.Globalization;
using AaiProxy.Data;
using AaiProxy.Federation;
using AaiProxy.Server.Storage;
using AaiProxy.Server.Upstream.Saml;
using OpenIddict.Abstractions;

namespace AaiProxy.Server.Hosting;

/// <summary>
/// Subcommands of the server executable for operators: <c>AaiProxy.Server &lt;command&gt; [configuration
/// arguments]</c>. They run against the same configuration as the server (files, environment, command line),
/// print tab-separated rows with a header to standard output (logs go to standard error), and exit 0 on
/// success, 1 on failure, 2 on a usage error.
/// </summary>
internal static class OperatorCommands
{
    public const string Usage = """
        Usage: AaiProxy.Server [command] [configuration arguments]
          (no command)       run the server
          migrate            apply database migrations and exit
          keys list          the stored keys: kid, algorithm, usage, status, created, encrypted at rest, version,
                             activates, retires
          keys rotate [--usage oidc|saml|saml-signing|saml-decryption] [--now]
                             a new key, published now and used after the publish-ahead time (--now: at once)
          keys import --file <key.pem|key.p12> [--password-file <file>]
                      [--usage signing|saml|saml-signing|saml-decryption] [--now]
                             import a key as the successor, on the same schedule as keys rotate
          clients list       registered clients: client_id, type, redirect URIs, permissions
          clients add <registration.json>
                             register a client (JSON as POST /api/v1/clients takes it); prints its secret once
          clients rotate-secret <client id>
                             give a client registered at run time a new secret; prints it once
          metadata status    load every federation metadata source once and print its state
          metadata refresh   ask every running node to read its federation aggregates again now (within 30 s;
                             audited), then print the state as metadata status does
          accounts show <community id | e-mail address>
                             an account: username, status, e-mail addresses, linked identities, memberships
          accounts suspend <community id>
                             suspend an account: its sessions end, its grants are revoked, clients are told
          audit export [--since <time>] [--format jsonl]
                             the audit log (from that time on), oldest first, one JSON object a line
        """;

    private static readonly string[] Groups = ["migrate", "keys", "clients", "metadata", "accounts", "audit", "help", "--help"];

    /// <summary>The command in <paramref name="args"/>, or null when they start the server.</summary>
    public static OperatorCommand? Parse(string[] args) => args switch
    {
        ["migrate", .. var rest] => new OperatorCommand("migrate", rest),
        ["keys", "list", .. var rest] => new OperatorCommand("keys list", rest),
        ["keys", "rotate", .. var rest] => new OperatorCommand("keys rotate", rest),
        ["keys", "import", .. var rest] => new OperatorCommand("keys import", rest),
        ["clients", "list", .. var rest] => new OperatorCommand("clients list", rest),
        ["clients", "add", .. var rest] => new OperatorCommand("clients add", rest),
        ["clients", "rotate-secret", .. var rest] => new OperatorCommand("clients rotate-secret", rest),
        ["metadata", "status", .. var rest] => new OperatorCommand("metadata status", rest),
        ["accounts", "show", .. var rest] => new OperatorCommand("accounts show", rest),
        ["accounts", "suspend", .. var rest] => new OperatorCommand("accounts suspend", rest),
        ["audit", "export", .. var rest] => new OperatorCommand("audit export", rest),
        ["metadata", "refresh", .. var rest] => new OperatorCommand("metadata refresh", rest),
        [var first, ..] when Groups.Contains(first) => new OperatorCommand("usage", []),
        _ => null,
    };

    public static async Task<int> RunAsync(WebApplication app, OperatorCommand command, TextWriter output, TextWriter errors)
    {
        try
        {
            switch (command.Name)
            {
                case "migrate":
                    app.Services.GetRequiredService<DatabaseInitializer>().Migrate();
                    return 0;
                case "keys list":
                    await using (var scope = app.Services.CreateAsyncScope())
                    {
                        return KeyCommands.List(scope.ServiceProvider, output);
                    }
                case "keys rotate":
                    return await KeyCommands.RotateAsync(app.Services, command.Arguments, output, errors);
                case "keys import":
                    return await KeyCommands.ImportAsync(app.Services, command.Arguments, output, errors);
                case "clients list":
                    await using (var scope = app.Services.CreateAsyncScope())
                    {
                        var applications = scope.ServiceProvider.GetRequiredService<IOpenIddictApplicationManager>();
                        var rows = new List<string[]>();
                        await foreach (var application in applications.ListAsync())
                        {
                            rows.Add(
                            [
                                await applications.GetClientIdAsync(application) ?? "",
                                await applications.GetClientTypeAsync(application) ?? "",
                                string.Join(' ', await applications.GetRedirectUrisAsync(application)),
                                string.Join(' ', await applications.GetPermissionsAsync(application)),
                            ]);
                        }

                        Rows(output, ["client_id", "type", "redirect_uris", "permissions"], rows.OrderBy(row => row[0], StringComparer.Ordinal));
                    }

                    return 0;
                case "clients add":
                    await using (var scope = app.Services.CreateAsyncScope())
                    {
                        return await ClientCommands.AddAsync(scope.ServiceProvider, command.Arguments, output, errors);
                    }
                case "clients rotate-secret":
                    await using (var scope = app.Services.CreateAsyncScope())
                    {
                        return await ClientCommands.RotateSecretAsync(scope.ServiceProvider, command.Arguments, output, errors);
                    }
                case "metadata status":
                    var federations = app.Services.GetRequiredService<FederationMetadataProvider>();
                    await federations.RefreshAsync();
                    var now = app.Services.GetRequiredService<TimeProvider>().GetUtcNow();
                    Rows(output, ["source", "loaded", "identity_providers", "skipped", "age_seconds", "valid_until", "last_error"], federations.Status.Select(status => new[]
                    {
                        status.Name, status.IsReady ? "yes" : "no", status.IdentityProviders.ToString(CultureInfo.InvariantCulture),
                        status.Skipped.Count.ToString(CultureInfo.InvariantCulture),
                        status.Age(now) is { } age ? ((long)age.TotalSeconds).ToString(CultureInfo.InvariantCulture) : "",
                        status.ValidUntil?.ToString("O", CultureInfo.InvariantCulture) ?? "", status.LastError ?? "",
                    }));
                    return federations.Status.All(status => status.IsReady) ? 0 : 1;
                case "accounts show":
                    await using (var scope = app.Services.CreateAsyncScope())
                    {
                        return await AccountAndAuditCommands.ShowAsync(scope.ServiceProvider, command.Arguments, output, errors);
                    }
                case "accounts suspend":
                    await using (var scope = app.Services.CreateAsyncScope())
                    {
                        return await AccountAndAuditCommands.SuspendAsync(scope.ServiceProvider, command.Arguments, output, errors);
                    }
                case "audit export":
                    await using (var scope = app.Services.CreateAsyncScope())
                    {
                        return await AccountAndAuditCommands.ExportAsync(scope.ServiceProvider, command.Arguments, output, errors);
                    }
                case "metadata refresh":
                    await using (var scope = app.Services.CreateAsyncScope())
                    {
                        await FederationMetadataRefreshRequests.RequestAsync(scope.ServiceProvider, CancellationToken.None);
                    }

                    return await RunAsync(app, command with { Name = "metadata status" }, output, errors);
                default:
                    await errors.WriteLineAsync(Usage);
                    return 2;
            }
        }
        catch (Exception exception) when (exception is InvalidOperationException or System.Security.Cryptography.CryptographicException or Microsoft.Extensions.Options.OptionsValidationException)
        {
            await errors.WriteLineAsync($"{command.Name}: {exception.Message}");
            return 1;
        }
    }

    internal static void Rows(TextWriter output, string[] header, IEnumerable<string[]> rows)
    {
        output.WriteLine(string.Join('\t', header));
        foreach (var row in rows)
        {
            output.WriteLine(string.Join('\t', row.Select(cell => cell.Replace('\t', ' ').Replace('\n', ' '))));
        }
    }
}

/// <param name="Name">The command, e.g. <c>keys list</c>.</param>
/// <param name="ConfigurationArguments">What follows it: configuration for the host (<c>--AaiProxy:DataDirectory=…</c>).</param>
internal sealed record OperatorCommand(string Name, string[] ConfigurationArguments)
{
    /// <summary>The command's own arguments: what follows it except configuration (<c>--Key=value</c>); the host ignores
    /// these (a bare word is no configuration, a <c>--name value</c> pair names no setting the proxy reads).</summary>
    public string[] Arguments => [.. ConfigurationArguments.Where(argument => !(argument.StartsWith("--", StringComparison.Ordinal) && argument.Contains('=', StringComparison.Ordinal)))];
}
