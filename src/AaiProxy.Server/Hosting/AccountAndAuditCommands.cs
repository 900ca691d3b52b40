using System.Globalization;
using System.Text.Json;
using AaiProxy.Data;
using AaiProxy.Groups.Management;
using AaiProxy.Identity;
using AaiProxy.Server.Accounts;
using AaiProxy.Server.Groups.Api;

namespace AaiProxy.Server.Hosting;

/// <summary>
/// The operator commands about people and the audit log: <c>accounts show</c>, <c>accounts suspend</c>, <c>audit export</c>.
/// They use what the admin pages and the API use (<see cref="AccountStore"/>, <see cref="AccountAdministration"/>, the
/// audit listing), so a suspension from the command line is the same audited change with the same revocations.
/// </summary>
internal static class AccountAndAuditCommands
{
    /// <summary><c>accounts show &lt;community id | e-mail address&gt;</c>: one <c>field value</c> row per fact, one per linked identity.</summary>
    public static async Task<int> ShowAsync(IServiceProvider services, string[] arguments, TextWriter output, TextWriter errors)
    {
        if (arguments is not [var which, ..] || which.StartsWith("--", StringComparison.Ordinal))
        {
            await errors.WriteLineAsync("accounts show: give a community id or an e-mail address.");
            return 2;
        }

        var store = services.GetRequiredService<AccountStore>();
        if (await FindAsync(store, which) is not { } details)
        {
            await errors.WriteLineAsync($"accounts show: no account has the id or the e-mail address '{which}'.");
            return 1;
        }

        var account = details.Account;
        List<string[]> rows =
        [
            ["id", account.Id],
            ["username", account.PreferredUsername],
            ["display_name", account.DisplayName ?? ""],
            ["status", account.Status.ToString().ToLowerInvariant()],
            ["created", Time(account.CreatedAt)],
            ["sessions_valid_after", details.SessionsValidAfter is { } after ? Time(after) : ""],
        ];
        rows.AddRange(account.Emails.Select(email => new[] { "email", email.Address + (email.Verified ? " (verified)" : "") }));
        rows.AddRange(details.Links.Select(link => new[]
        {
            "link", $"{link.Upstream.Protocol} {link.Upstream.Issuer} {link.Upstream.Subject} last seen {Time(link.LastSeenAt)}",
        }));
        rows.AddRange((await store.MembershipsAsync(account.Id, CancellationToken.None))
            .Select(membership => new[] { "membership", $"{membership.GroupPath} {membership.Roles} {membership.Status}" }));
        OperatorCommands.Rows(output, ["field", "value"], rows);
        return 0;
    }

    /// <summary><c>accounts suspend &lt;community id&gt;</c>: suspended, sessions ended, grants revoked, clients told
    /// (back-channel logout), audited with the operator as actor.</summary>
    public static async Task<int> SuspendAsync(IServiceProvider services, string[] arguments, TextWriter output, TextWriter errors)
    {
        if (arguments is not [var accountId, ..] || accountId.StartsWith("--", StringComparison.Ordinal))
        {
            await errors.WriteLineAsync("accounts suspend: give the community id of the account.");
            return 2;
        }

        var store = services.GetRequiredService<AccountStore>();
        if (await store.GetAsync(accountId, CancellationToken.None) is not { } details)
        {
            await errors.WriteLineAsync($"accounts suspend: no account has the id '{accountId}'.");
            return 1;
        }

        if (details.Account.Status != AccountStatus.Active)
        {
            await errors.WriteLineAsync($"accounts suspend: only an active account can be suspended; '{accountId}' is {details.Account.Status.ToString().ToLowerInvariant()}.");
            return 1;
        }

        await services.GetRequiredService<AccountAdministration>().SuspendAsync(accountId, AuditActors.Operator, CancellationToken.None);
        OperatorCommands.Rows(output, ["id", "status"], [[accountId, "suspended"]]);
        return 0;
    }

    /// <summary><c>audit export [--since &lt;ISO 8601 time&gt;] [--format jsonl]</c>: the whole audit log (or what happened
    /// from that time on), oldest first, one JSON object a line in the API's shape, read and written page by page.</summary>
    public static async Task<int> ExportAsync(IServiceProvider services, string[] arguments, TextWriter output, TextWriter errors)
    {
        DateTimeOffset? since = null;
        for (var index = 0; index < arguments.Length; index += 2)
        {
            var value = index + 1 < arguments.Length ? arguments[index + 1] : null;
            switch (arguments[index])
            {
                case "--since" when DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed):
                    since = parsed;
                    break;
                case "--format" when value == "jsonl":
                    break;
                default:
                    await errors.WriteLineAsync("audit export: the options are --since <time, e.g. 2026-12-01T00:00:00Z> and --format jsonl.");
                    return 2;
            }
        }

        var directory = services.GetRequiredService<IGroupDirectory>();
        var page = await directory.ListAuditAsync(null, PageRequest.First(PageRequest.MaxSize), since, CancellationToken.None);
        while (true)
        {
            foreach (var record in page.Items)
            {
                await output.WriteLineAsync(JsonSerializer.Serialize(ApiModels.Audit(record)));
            }

            if (page.Next is null)
            {
                return 0;
            }

            page = await directory.ListAuditAsync(null, new PageRequest(PageRequest.MaxSize, page.Next), since, CancellationToken.None);
        }
    }

    /// <summary>By community id, else by a (verified or not) e-mail address that exactly one account has.</summary>
    private static async Task<AccountDetails?> FindAsync(AccountStore store, string which)
    {
        if (await store.GetAsync(which, CancellationToken.None) is { } byId)
        {
            return byId;
        }

        if (!which.Contains('@', StringComparison.Ordinal))
        {
            return null;
        }

        var found = new List<AccountDetails>();
        foreach (var candidate in await store.SearchAsync(which, 10, CancellationToken.None))
        {
            if (await store.GetAsync(candidate.Id, CancellationToken.None) is { } details
                && details.Account.Emails.Any(email => email.Address.Equals(which, StringComparison.OrdinalIgnoreCase)))
            {
                found.Add(details);
            }
        }

        return found.Count == 1 ? found[0] : found.Count == 0 ? null
            : throw new InvalidOperationException($"{found.Count} accounts have the e-mail address '{which}': give the community id.");
    }

    private static string Time(DateTimeOffset time) => time.ToString("O", CultureInfo.InvariantCulture);
}
