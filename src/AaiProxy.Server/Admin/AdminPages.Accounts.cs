using System.Text;
using AaiProxy.Data;
using AaiProxy.Identity;
using AaiProxy.Server.Accounts;
using AaiProxy.Server.Groups.Invitations;
using AaiProxy.Server.Web;

namespace AaiProxy.Server.Admin;

/// <summary>
/// Account administration for the proxy's administrators (<see cref="AdminGate.EnterAsAdministratorAsync"/>): find an
/// account, see it (state, linked identities, e-mail addresses, memberships), suspend or reactivate it, merge it into
/// another after a confirmation. Every change goes through <see cref="AccountAdministration"/>, which audits it and
/// revokes what it must.
/// </summary>
internal static partial class AdminPages
{
    public const string AccountsPath = GroupLinks.AdminBasePath + "/accounts";
    private const int MaxAccountsFound = 50;

    public static string AccountPath(string accountId) => $"{AccountsPath}/{Uri.EscapeDataString(accountId)}";

    private static void MapAccountPages(RouteGroupBuilder admin)
    {
        admin.MapGet("/accounts", AccountsAsync);
        admin.MapGet("/accounts/{accountId}", AccountAsync);
        admin.MapPost("/accounts/{accountId}/suspend", SuspendAccountAsync);
        admin.MapPost("/accounts/{accountId}/reactivate", ReactivateAccountAsync);
        admin.MapPost("/accounts/{accountId}/merge", MergeAccountAsync);
    }

    private static async Task<IResult> AccountsAsync(HttpContext httpContext, AdminGate gate, AccountStore store, string? q)
    {
        var (admin, response) = await gate.EnterAsAdministratorAsync(httpContext, AccountsPath + httpContext.Request.QueryString); // back to the search
        if (admin is null)
            return response!;

        var form =
            $"""
            <form method="get" action="{AccountsPath}" role="search">
            <p><label for="q">Name, username, e-mail address, community id or linked identity (upstream subject)</label>
            <input type="search" id="q" name="q" value="{HtmlPage.Encode(q)}" autocomplete="off" required minlength="2"></p>
            <p><button type="submit">Find</button></p>
            </form>
            """;
        if (Blank(q) is not { Length: >= 2 } text)
            return AdminHtml.Page("Accounts", form);

        var found = await store.SearchAsync(text, MaxAccountsFound, httpContext.RequestAborted);
        return AdminHtml.Page("Accounts", form + (found.Count == 0
            ? "<p role=\"status\">No account found.</p>"
            : AdminHtml.Table("Accounts found", ["Username", "Name", "Community id", "State"],
                found.Select(account => (IReadOnlyList<string>)
                [
                    $"<a href=\"{HtmlPage.Encode(AccountPath(account.Id))}\">{HtmlPage.Encode(account.PreferredUsername)}</a>",
                    HtmlPage.Encode(account.DisplayName), $"<code>{HtmlPage.Encode(account.Id)}</code>", HtmlPage.Encode(account.Status.ToString()),
                ]))));
    }

    private static async Task<IResult> AccountAsync(HttpContext httpContext, AdminGate gate, AccountStore store, string accountId, string? done)
    {
        var page = AccountPath(accountId);
        var (admin, response) = await gate.EnterAsAdministratorAsync(httpContext, page);
        if (admin is null)
            return response!;
        if (await store.GetAsync(accountId, httpContext.RequestAborted) is not { } details)
            return AdminHtml.Problem(httpContext, StatusCodes.Status404NotFound, "Not found", "There is no account with this community id.", AccountsPath);

        var account = details.Account;
        var antiforgery = gate.AntiforgeryField(httpContext);
        var body = new StringBuilder(AdminHtml.Notice(done))
            .Append("<dl>")
            .Append("<dt>Username</dt><dd>").Append(HtmlPage.Encode(account.PreferredUsername)).Append("</dd>")
            .Append("<dt>Name</dt><dd>").Append(HtmlPage.Encode(account.DisplayName ?? "(not known)")).Append("</dd>")
            .Append("<dt>Community id</dt><dd><code>").Append(HtmlPage.Encode(account.Id)).Append("</code></dd>")
            .Append("<dt>State</dt><dd data-account-state>").Append(HtmlPage.Encode(account.Status.ToString())).Append("</dd>")
            .Append("<dt>Created</dt><dd>").Append(AdminHtml.Date(account.CreatedAt)).Append("</dd>")
            .Append("</dl>");
        body.Append("<h2>Linked identities</h2>").Append(details.Links.Count == 0
            ? "<p>None.</p>"
            : AdminHtml.Table("Linked identities", ["Identity provider", "Protocol", "Subject", "First seen", "Last seen"],
                details.Links.Select(link => (IReadOnlyList<string>)
                [
                    HtmlPage.Encode(link.Upstream.Issuer), HtmlPage.Encode(link.Upstream.Protocol), $"<code>{HtmlPage.Encode(link.Upstream.Subject)}</code>",
                    AdminHtml.Date(link.FirstSeenAt), AdminHtml.Date(link.LastSeenAt),
                ])));
        body.Append("<h2>E-mail addresses</h2>").Append(account.Emails.Count == 0
            ? "<p>None.</p>"
            : AdminHtml.Table("E-mail addresses", ["Address", "Verified"],
                account.Emails.Select(email => (IReadOnlyList<string>) [HtmlPage.Encode(email.Address), email.Verified ? "yes" : "no"])));
        var memberships = await store.MembershipsAsync(accountId, httpContext.RequestAborted);
        body.Append("<h2>Memberships</h2>").Append(memberships.Count == 0
            ? "<p>None.</p>"
            : AdminHtml.Table("Group memberships", ["Group", "Roles", "State"],
                memberships.Select(membership => (IReadOnlyList<string>)
                    [$"<code>{HtmlPage.Encode(membership.GroupPath)}</code>", HtmlPage.Encode(membership.Roles), HtmlPage.Encode(membership.Status)])));

        switch (account.Status)
        {
            case AccountStatus.Active:
                body.Append($"""
                    <h2>Suspend</h2>
                    <p>Ends the account's sessions, revokes every token and authorization of it and refuses its logins until it is reactivated.</p>
                    <form method="post" action="{HtmlPage.Encode(page)}/suspend">{antiforgery}<button type="submit" id="suspend-account">Suspend this account</button></form>
                    <h2>Merge</h2>
                    <p>Moves this account's linked identities, e-mail addresses, AUP acceptances and memberships to another account, which the
                    person keeps using; this account is then deleted and its services' grants revoked. You confirm on the next page.</p>
                    <form method="post" action="{HtmlPage.Encode(page)}/merge">{antiforgery}
                    <p><label for="target">Community id of the account to keep</label> <input type="text" id="target" name="target" required autocomplete="off"></p>
                    <p><button type="submit" id="merge-account">Merge…</button></p></form>
                    """);
                break;
            case AccountStatus.Suspended:
                body.Append($"""
                    <h2>Reactivate</h2>
                    <form method="post" action="{HtmlPage.Encode(page)}/reactivate">{antiforgery}<button type="submit" id="reactivate-account">Reactivate this account</button></form>
                    """);
                break;
        }

        return AdminHtml.Page($"Account {account.PreferredUsername}", body.ToString());
    }

    private static Task<IResult> SuspendAccountAsync(HttpContext httpContext, AdminGate gate, AccountStore store, AccountAdministration accounts, string accountId) =>
        ChangeAccountStatusAsync(httpContext, gate, store, accountId, AccountStatus.Active, "Only an active account can be suspended.",
            async (admin, aborted) =>
            {
                if (admin == accountId)
                    return "You cannot suspend your own account.";
                await accounts.SuspendAsync(accountId, AuditActors.Person(admin), aborted);
                return null;
            },
            "account-suspended");

    private static Task<IResult> ReactivateAccountAsync(HttpContext httpContext, AdminGate gate, AccountStore store, AccountAdministration accounts, string accountId) =>
        ChangeAccountStatusAsync(httpContext, gate, store, accountId, AccountStatus.Suspended, "Only a suspended account can be reactivated.",
            async (admin, aborted) =>
            {
                await accounts.ReactivateAsync(accountId, AuditActors.Person(admin), aborted);
                return null;
            },
            "account-reactivated");

    /// <summary>Suspend or reactivate: an administrator, the account in the status the change starts from, then the
    /// change, which answers why it refuses (or null once done).</summary>
    private static async Task<IResult> ChangeAccountStatusAsync(HttpContext httpContext, AdminGate gate, AccountStore store, string accountId,
        AccountStatus requiredStatus, string wrongStatus, Func<string, CancellationToken, Task<string?>> change, string done)
    {
        var page = AccountPath(accountId);
        var (admin, response) = await gate.EnterAsAdministratorAsync(httpContext, page);
        if (admin is null)
            return response!;
        if (await store.GetAsync(accountId, httpContext.RequestAborted) is not { } found || found.Account.Status != requiredStatus)
            return AdminHtml.Problem(httpContext, StatusCodes.Status409Conflict, "Not possible now", wrongStatus, page);
        if (await change(admin, httpContext.RequestAborted) is { } refusal)
            return AdminHtml.Problem(httpContext, StatusCodes.Status409Conflict, "Not possible", refusal, page);

        return AdminHtml.Done(page, done);
    }

    // Two steps: without confirm=yes the page shows what will happen and asks; with it, the merge is done.
    private static async Task<IResult> MergeAccountAsync(HttpContext httpContext, AdminGate gate, AccountStore store, AccountAdministration accounts, string accountId)
    {
        var page = AccountPath(accountId);
        var (admin, response) = await gate.EnterAsAdministratorAsync(httpContext, page);
        if (admin is null)
            return response!;
        var form = await httpContext.Request.ReadFormAsync(httpContext.RequestAborted);
        var targetId = form["target"].ToString().Trim();
        var source = await store.GetAsync(accountId, httpContext.RequestAborted);
        var target = targetId.Length == 0 ? null : await store.GetAsync(targetId, httpContext.RequestAborted);
        if (source is not { Account.Status: AccountStatus.Active } || target is null || target.Account.Status == AccountStatus.Deleted || targetId == accountId)
            return AdminHtml.Problem(httpContext, StatusCodes.Status409Conflict, "Not possible",
                "Merge an active account into another account that exists and is not deleted; give the other account's community id.", page);

        if (form["confirm"] != "yes")
        {
            return AdminHtml.Page("Confirm the merge",
                $"""
                <p data-merge-confirmation>The account <strong>{HtmlPage.Encode(source.Account.PreferredUsername)}</strong> (<code>{HtmlPage.Encode(accountId)}</code>)
                with {source.Links.Count} linked identities and {source.Account.Emails.Count} e-mail addresses will be merged into
                <strong>{HtmlPage.Encode(target.Account.PreferredUsername)}</strong> (<code>{HtmlPage.Encode(targetId)}</code>).
                The first is then deleted and the grants of its services are revoked; this cannot be undone.</p>
                <form method="post" action="{HtmlPage.Encode(page)}/merge">{gate.AntiforgeryField(httpContext)}
                <input type="hidden" name="target" value="{HtmlPage.Encode(targetId)}"><input type="hidden" name="confirm" value="yes">
                <p><button type="submit" id="confirm-merge">Merge the accounts</button> <a href="{HtmlPage.Encode(page)}">Cancel</a></p></form>
                """);
        }

        await accounts.MergeAsync(accountId, targetId, AuditActors.Person(admin), httpContext.RequestAborted);
        return AdminHtml.Done(AccountPath(targetId), "accounts-merged");
    }
}
