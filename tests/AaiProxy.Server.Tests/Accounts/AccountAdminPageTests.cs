using System.Net;
using System.Text.Json;
using AaiProxy.Data;
using AaiProxy.Identity;
using AaiProxy.Server.Admin;
using AaiProxy.Server.Tests.Infrastructure;
using AaiProxy.Server.Tests.Invitations;
using Microsoft.EntityFrameworkCore;
using Microsoft.IdentityModel.JsonWebTokens;
using static AaiProxy.Server.Tests.Accounts.AccountSteps;

namespace AaiProxy.Server.Tests.Accounts;

/// <summary>
/// A proxy whose administrator (<c>Groups:PlatformAdmins</c>) is a person who signed in once: the account is made by a
/// first run on the database, the proxy then restarted with its id configured. Demo people of these tests' own, two with MFA.
/// </summary>
public sealed class AccountAdminFixture : IAsyncLifetime
{
    public const string Administrator = "adm";
    public const string Colleague = "norm";

    /// <summary>After demo.json's four: people with MFA logins first, then those the administrator acts on.</summary>
    private static readonly string[] People = [Administrator, Colleague, "suzy", "mo", "tess", "finn"];

    public TestDatabase Database { get; private set; } = null!;

    public ProxyFactory Factory { get; private set; } = null!;

    public string AdministratorId { get; private set; } = null!;

    public static string SubjectOf(string user) => $"{user}@accounts.example.org";

    public static string EmailOf(string user) => $"{user}.mail@accounts.example.org";

    public async Task InitializeAsync()
    {
        Database = await TestDatabase.CreateAsync();
        await using (var first = new ProxyFactory(Database, overrides: Users()))
        {
            AdministratorId = Subject(await new OidcTestClient(first).CodeFlowAsync(Administrator));
        }

        Factory = new ProxyFactory(Database, overrides: new Dictionary<string, string>(Users()) { ["AaiProxy:Groups:PlatformAdmins:0"] = AdministratorId });
        _ = Factory.Server;
    }

    public async Task DisposeAsync()
    {
        await Factory.DisposeAsync();
        await Database.DisposeAsync();
    }

    public static string Subject(JsonElement tokens) => new JsonWebToken(tokens.GetProperty("id_token").GetString()!).Subject;

    private static Dictionary<string, string> Users()
    {
        var settings = new Dictionary<string, string>();
        for (var i = 0; i < People.Length; i++)
        {
            var key = $"AaiProxy:Demo:Users:{i + 4}";
            settings[$"{key}:Username"] = People[i];
            settings[$"{key}:DisplayName"] = People[i] + " Admin-Test";
            settings[$"{key}:Attributes:subject_id:0"] = SubjectOf(People[i]);
            settings[$"{key}:Attributes:given_name:0"] = People[i];
            settings[$"{key}:Attributes:email:0"] = EmailOf(People[i]);
            if (i < 2)
            {
                settings[$"{key}:AuthenticationContextClass"] = "https://refeds.org/profile/mfa";
            }
        }

        return settings;
    }
}

/// <summary><c>/admin/accounts</c>: who may use it, finding, suspending, reactivating and merging accounts, all audited.</summary>
public sealed class AccountAdminPageTests(AccountAdminFixture fixture) : IClassFixture<AccountAdminFixture>
{
    [Fact]
    public async Task The_account_pages_are_for_the_proxy_administrators_only()
    {
        var target = await SignInOnceAsync("finn");
        var colleague = new GroupPagesBrowser(fixture.Factory);

        using var search = await colleague.OpenAsync(AdminPages.AccountsPath + "?q=finn", AccountAdminFixture.Colleague);
        Assert.Equal(HttpStatusCode.Forbidden, search.StatusCode);
        using var details = await colleague.Http.GetAsync(AdminPages.AccountPath(target));
        Assert.Equal(HttpStatusCode.Forbidden, details.StatusCode);
        // With a valid antiforgery token (any page of the proxy's), the change is still refused.
        var page = await PageAsync(colleague.Http, Server.Accounts.AccountPage.Path);
        using var suspend = await colleague.SubmitAsync(page, AdminPages.AccountPath(target) + "/suspend");
        Assert.Equal(HttpStatusCode.Forbidden, suspend.StatusCode);
        Assert.Equal(AccountStatus.Active, await StatusAsync(target));
    }

    [Fact]
    public async Task An_administrator_finds_an_account_by_username_email_community_id_and_linked_identity()
    {
        var suzy = await SignInOnceAsync("suzy");
        var admin = new GroupPagesBrowser(fixture.Factory);
        await admin.PageAsync(AdminPages.AccountsPath, AccountAdminFixture.Administrator);

        foreach (var query in new[] { "suz", "SUZY.mail@accounts.example.org", suzy, AccountAdminFixture.SubjectOf("suzy") })
        {
            var found = await admin.PageAsync($"{AdminPages.AccountsPath}?q={Uri.EscapeDataString(query)}", AccountAdminFixture.Administrator);
            Assert.Contains($"href=\"{AdminPages.AccountPath(suzy)}\"", found, StringComparison.Ordinal);
            Assert.DoesNotContain($"href=\"{AdminPages.AccountPath(fixture.AdministratorId)}\"", found, StringComparison.Ordinal);
        }

        var shown = await admin.PageAsync(AdminPages.AccountPath(suzy), AccountAdminFixture.Administrator);
        Assert.Contains(AccountAdminFixture.SubjectOf("suzy"), shown, StringComparison.Ordinal);
        Assert.Contains(AccountAdminFixture.EmailOf("suzy"), shown, StringComparison.Ordinal);
        Assert.Contains("data-account-state>Active<", shown, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Suspending_ends_the_accounts_access_and_reactivating_restores_it_both_audited()
    {
        var client = new OidcTestClient(fixture.Factory);
        var tokens = await client.CodeFlowAsync("tess");
        var tess = AccountAdminFixture.Subject(tokens);
        var admin = new GroupPagesBrowser(fixture.Factory);
        var page = await admin.PageAsync(AdminPages.AccountPath(tess), AccountAdminFixture.Administrator);

        using (var suspended = await admin.SubmitAsync(page, GroupPagesBrowser.Action(page, "/suspend")))
        {
            Assert.EndsWith("done=account-suspended", suspended.Headers.Location!.OriginalString, StringComparison.Ordinal);
        }

        Assert.Equal(AccountStatus.Suspended, await StatusAsync(tess));
        var (status, body) = await client.TokenAsync(new()
        {
            ["grant_type"] = "refresh_token",
            ["refresh_token"] = tokens.GetProperty("refresh_token").GetString(),
            ["client_id"] = OidcTestClient.PortalClientId,
        });
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("invalid_grant", body.GetProperty("error").GetString());

        page = await admin.PageAsync(AdminPages.AccountPath(tess), AccountAdminFixture.Administrator);
        using (var reactivated = await admin.SubmitAsync(page, GroupPagesBrowser.Action(page, "/reactivate")))
        {
            Assert.EndsWith("done=account-reactivated", reactivated.Headers.Location!.OriginalString, StringComparison.Ordinal);
        }

        Assert.Equal(AccountStatus.Active, await StatusAsync(tess));
        var audited = await WithDbAsync(fixture.Factory, db => db.AuditEvents.Where(entry => entry.Target == tess && entry.Actor == AuditActors.Person(fixture.AdministratorId))
            .OrderBy(entry => entry.Id).Select(entry => entry.Action).ToListAsync());
        Assert.Equal([AuditActions.AccountSuspended, AuditActions.AccountReactivated], audited);
        await client.CodeFlowAsync("tess"); // signs in again
    }

    [Fact]
    public async Task An_administrator_cannot_suspend_their_own_account_nor_reactivate_an_active_one()
    {
        var suzy = await SignInOnceAsync("suzy");
        var admin = new GroupPagesBrowser(fixture.Factory);
        var own = await admin.PageAsync(AdminPages.AccountPath(fixture.AdministratorId), AccountAdminFixture.Administrator);

        using (var refused = await admin.SubmitAsync(own, AdminPages.AccountPath(fixture.AdministratorId) + "/suspend"))
        {
            Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
            Assert.Contains("You cannot suspend your own account.", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        using (var refused = await admin.SubmitAsync(own, AdminPages.AccountPath(suzy) + "/reactivate"))
        {
            Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
            Assert.Contains("Only a suspended account can be reactivated.", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        Assert.Equal(AccountStatus.Active, await StatusAsync(fixture.AdministratorId));
        Assert.Equal(AccountStatus.Active, await StatusAsync(suzy));
    }

    [Fact]
    public async Task Merging_asks_for_confirmation_then_moves_the_identity_to_the_kept_account_and_is_audited()
    {
        var mo = await SignInOnceAsync("mo");
        var kept = await SignInOnceAsync("norm");
        var admin = new GroupPagesBrowser(fixture.Factory);
        var page = await admin.PageAsync(AdminPages.AccountPath(mo), AccountAdminFixture.Administrator);

        using var asked = await admin.SubmitAsync(page, GroupPagesBrowser.Action(page, "/merge"), ("target", kept));
        var confirmation = await asked.Content.ReadAsStringAsync();
        Assert.Contains("data-merge-confirmation", confirmation, StringComparison.Ordinal);
        Assert.Equal(AccountStatus.Active, await StatusAsync(mo)); // nothing yet

        using var merged = await admin.SubmitAsync(confirmation, GroupPagesBrowser.Action(confirmation, "/merge"), ("target", kept), ("confirm", "yes"));

        Assert.Equal($"{AdminPages.AccountPath(kept)}?done=accounts-merged", merged.Headers.Location!.OriginalString);
        Assert.Equal(AccountStatus.Deleted, await StatusAsync(mo));
        Assert.Equal(kept, await WithDbAsync(fixture.Factory, db => db.UpstreamLinks
            .Where(link => link.Subject == AccountAdminFixture.SubjectOf("mo")).Select(link => link.AccountId).SingleAsync()));
        var audit = await WithDbAsync(fixture.Factory, db => db.AuditEvents.SingleAsync(entry => entry.Action == AuditActions.AccountMerged && entry.Target == kept));
        Assert.Equal(AuditActors.Person(fixture.AdministratorId), audit.Actor);
        Assert.Contains(mo, audit.Details, StringComparison.Ordinal);
    }

    private async Task<string> SignInOnceAsync(string user) => AccountAdminFixture.Subject(await new OidcTestClient(fixture.Factory).CodeFlowAsync(user));

    private Task<AccountStatus> StatusAsync(string accountId) =>
        WithDbAsync(fixture.Factory, db => db.CommunityAccounts.Where(account => account.Id == accountId).Select(account => account.Status).SingleAsync());
}
