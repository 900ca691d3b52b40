using System.Net;
using System.Text.Json;
using AaiProxy.Identity;
using AaiProxy.Server.Accounts;
using AaiProxy.Server.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.JsonWebTokens;
using static AaiProxy.Server.Tests.Accounts.AccountSteps;

namespace AaiProxy.Server.Tests.Accounts;

/// <summary>/account: linking, unlinking, sign out everywhere, export, deletion; suspension.</summary>
public sealed class AccountPageTests(InteractiveRegistrationFixture fixture) : IClassFixture<InteractiveRegistrationFixture>
{
    [Fact]
    public async Task An_identity_already_linked_to_another_account_is_refused_with_a_message_and_stays_where_it_was()
    {
        var bobsSub = Subject(await new OidcTestClient(fixture.Factory).CodeFlowAsync("bob"));
        var browser = fixture.Factory.CreateBrowser();
        var alicesSub = Subject(await new OidcTestClient(fixture.Factory).CodeFlowAsync("alice", browser: browser));
        var page = await PageAsync(browser, AccountPage.Path);

        using var challenge = await PostAsync(browser, page, AccountPage.LinkPath, ("provider", DemoIdentityProvider));
        using var answer = await UpstreamLogin.PostToAcsAsync(browser,
            await UpstreamLogin.ObtainResponseAsync(browser, new Uri(browser.BaseAddress!, challenge.Headers.Location!), "bob"));

        Assert.Equal(HttpStatusCode.Conflict, answer.StatusCode);
        Assert.Contains("already linked to another account", await answer.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(bobsSub, await WithDbAsync(fixture.Factory, db => db.UpstreamLinks.Where(link => link.Subject == "bob@institute.example.net")
            .Select(link => link.AccountId).SingleAsync()));
        Assert.Equal(1, await WithDbAsync(fixture.Factory, db => db.UpstreamLinks.CountAsync(link => link.AccountId == alicesSub)));
    }

    [Fact]
    public async Task A_linked_identity_reaches_the_same_account_and_an_account_keeps_at_least_one()
    {
        var browser = fixture.Factory.CreateBrowser();
        var sub = Subject(await new OidcTestClient(fixture.Factory).CodeFlowAsync("ivan", browser: browser));
        var page = await PageAsync(browser, AccountPage.Path);

        // erin is new to the proxy: linked from ivan's account page, not registered on her own.
        using var challenge = await PostAsync(browser, page, AccountPage.LinkPath, ("provider", DemoIdentityProvider));
        var back = await UpstreamLogin.SignInAsync(browser, new Uri(browser.BaseAddress!, challenge.Headers.Location!), "erin");
        Assert.Equal(AccountPage.Path, back.OriginalString);
        page = await PageAsync(browser, AccountPage.Path);
        Assert.Equal(2, page.Split("data-linked-issuer=", StringSplitOptions.None).Length - 1);

        Assert.Equal(sub, Subject(await new OidcTestClient(fixture.Factory).CodeFlowAsync("erin")));

        // Signed in through erin now: ivan's identity may go, erin's (this session's) may not, nor the last one.
        var ivansLink = await WithDbAsync(fixture.Factory, db => db.UpstreamLinks.Where(link => link.Subject == "ivan@newlab.example.com").Select(link => link.Id).SingleAsync());
        using (await PostAsync(browser, page, AccountPage.UnlinkPath, ("link", ivansLink)))
        {
        }

        var remaining = await PageAsync(browser, AccountPage.Path);
        Assert.Equal(1, remaining.Split("data-linked-issuer=", StringSplitOptions.None).Length - 1);
        Assert.DoesNotContain($"action=\"{AccountPage.UnlinkPath}\"", remaining, StringComparison.Ordinal);
        // Even posted by hand, the last identity stays.
        var erinsLink = await WithDbAsync(fixture.Factory, db => db.UpstreamLinks.Where(link => link.AccountId == sub).Select(link => link.Id).SingleAsync());
        using var refused = await PostAsync(browser, page, AccountPage.UnlinkPath, ("link", erinsLink));
        Assert.EndsWith("notice=unlink-refused", refused.Headers.Location!.OriginalString, StringComparison.Ordinal);
        Assert.Equal(1, await WithDbAsync(fixture.Factory, db => db.UpstreamLinks.CountAsync(link => link.AccountId == sub)));
    }

    [Fact]
    public async Task A_suspended_account_cannot_sign_in_and_its_refresh_token_fails_with_invalid_grant()
    {
        var client = new OidcTestClient(fixture.Factory);
        var tokens = await client.CodeFlowAsync("judy");
        var sub = Subject(tokens);

        await using (var scope = fixture.Factory.Services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<AccountAdministration>().SuspendAsync(sub, "admin:test", CancellationToken.None);
        }

        var (status, body) = await client.TokenAsync(new()
        {
            ["grant_type"] = "refresh_token",
            ["refresh_token"] = tokens.GetProperty("refresh_token").GetString(),
            ["client_id"] = OidcTestClient.PortalClientId,
        });
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("invalid_grant", body.GetProperty("error").GetString());

        var browser = fixture.Factory.CreateBrowser();
        var (next, _) = await SignInUpstreamAsync(browser, "judy");
        using var answer = await browser.GetAsync(next);
        Assert.Equal("access_denied", OidcTestClient.Query(answer.Headers.Location!)["error"]);
        Assert.Equal(1, await WithDbAsync(fixture.Factory, db => db.AuditEvents.CountAsync(audit =>
            audit.Action == AuditActions.AccountSuspended && audit.Target == sub && audit.Actor == "admin:test")));
    }

    [Fact]
    public async Task Sign_out_everywhere_ends_the_session_and_revokes_refresh_tokens()
    {
        var client = new OidcTestClient(fixture.Factory);
        var elsewhere = await client.CodeFlowAsync("kim");
        var browser = fixture.Factory.CreateBrowser();
        await client.CodeFlowAsync("kim", browser: browser);
        var page = await PageAsync(browser, AccountPage.Path);
        Assert.Contains("data-authorization", page, StringComparison.Ordinal);

        using var done = await PostAsync(browser, page, AccountPage.SignOutEverywherePath);

        Assert.Contains("data-signed-out-everywhere", await done.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var (status, body) = await client.TokenAsync(new()
        {
            ["grant_type"] = "refresh_token",
            ["refresh_token"] = elsewhere.GetProperty("refresh_token").GetString(),
            ["client_id"] = OidcTestClient.PortalClientId,
        });
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("invalid_grant", body.GetProperty("error").GetString());
        Assert.False(await Saml.SamlBrowserSteps.IsSignedInAsync(browser));
    }

    [Fact]
    public async Task Export_my_data_is_json_with_the_linked_identities_emails_and_aup_acceptances()
    {
        var browser = fixture.Factory.CreateBrowser();
        var sub = Subject(await new OidcTestClient(fixture.Factory).CodeFlowAsync("alice", browser: browser));

        using var response = await browser.GetAsync(AccountPage.ExportPath);

        Assert.Equal("application/json", response.Content.Headers.ContentType!.MediaType);
        Assert.Equal("attachment", response.Content.Headers.ContentDisposition!.DispositionType);
        var export = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(sub, export.GetProperty("sub").GetString());
        var link = Assert.Single(export.GetProperty("linked_identities").EnumerateArray());
        Assert.Equal("alice@university.example.org", link.GetProperty("subject").GetString());
        Assert.Equal("Alice", link.GetProperty("last_released_attributes").GetProperty("given_name")[0].GetString());
        Assert.Contains(export.GetProperty("emails").EnumerateArray(), email =>
            email.GetProperty("address").GetString() == "alice@university.example.org" && email.GetProperty("verified").GetBoolean());
        Assert.Equal(InteractiveRegistrationFixture.AupVersion, export.GetProperty("aup_acceptances")[0].GetProperty("version").GetString());
    }

    [Fact]
    public async Task Deleting_my_account_removes_my_data_keeps_the_audit_log_and_never_reuses_the_identifier()
    {
        var browser = fixture.Factory.CreateBrowser();
        var sub = Subject(await new OidcTestClient(fixture.Factory).CodeFlowAsync("mia", browser: browser));
        var page = await PageAsync(browser, AccountPage.Path);
        Assert.Contains("The audit log keeps its records of changes to your account", page, StringComparison.Ordinal);
        Assert.Contains("for 730 days", page, StringComparison.Ordinal);

        using (var unconfirmed = await PostAsync(browser, page, AccountPage.DeletePath))
        {
            Assert.EndsWith("notice=delete-unconfirmed", unconfirmed.Headers.Location!.OriginalString, StringComparison.Ordinal);
        }

        using var deleted = await PostAsync(browser, page, AccountPage.DeletePath, ("confirm", "yes"));

        Assert.Contains("data-account-deleted", await deleted.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var account = await WithDbAsync(fixture.Factory, db => db.CommunityAccounts.Include(candidate => candidate.Links).Include(candidate => candidate.Emails)
            .Include(candidate => candidate.AupAcceptances).SingleAsync(candidate => candidate.Id == sub));
        Assert.Equal(AccountStatus.Deleted, account.Status);
        Assert.Null(account.DisplayName);
        Assert.Empty(account.Links);
        Assert.Empty(account.Emails);
        Assert.Empty(account.AupAcceptances);
        var audited = await WithDbAsync(fixture.Factory, db => db.AuditEvents.Where(audit => audit.Target == sub).Select(audit => audit.Action).ToListAsync());
        Assert.Contains(AuditActions.AccountCreated, audited);
        Assert.Contains(AuditActions.AccountDeleted, audited);
        Assert.DoesNotContain(await WithDbAsync(fixture.Factory, db => db.AuditEvents.Where(audit => audit.Target == sub).Select(audit => audit.Details).ToListAsync()),
            details => details.Contains("mia@newlab.example.com", StringComparison.Ordinal));
        Assert.False(await Saml.SamlBrowserSteps.IsSignedInAsync(browser));

        // Signing in again is a new person with a new identifier.
        Assert.NotEqual(sub, Subject(await new OidcTestClient(fixture.Factory).CodeFlowAsync("mia")));
    }

    private static string Subject(JsonElement tokens) => new JsonWebToken(tokens.GetProperty("id_token").GetString()!).Subject;
}
