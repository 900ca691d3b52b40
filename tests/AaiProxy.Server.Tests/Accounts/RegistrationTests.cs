using System.Net;
using System.Text.RegularExpressions;
using AaiProxy.Identity;
using AaiProxy.Server.Mail;
using AaiProxy.Server.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.JsonWebTokens;
using static AaiProxy.Server.Tests.Accounts.AccountSteps;

namespace AaiProxy.Server.Tests.Accounts;

/// <summary>Registration mode Interactive: the first login of a new person, the AUP, e-mail verification.</summary>
public sealed partial class RegistrationTests(InteractiveRegistrationFixture fixture) : IClassFixture<InteractiveRegistrationFixture>
{
    private const string RegisterPath = "/account/register";

    [Fact]
    public async Task First_login_of_a_new_person_leads_to_registration_and_cancelling_leaves_nothing_behind()
    {
        var browser = fixture.Factory.CreateBrowser();

        var (next, _) = await SignInUpstreamAsync(browser, "erin");
        Assert.Equal(RegisterPath, next.OriginalString);
        var page = await PageAsync(browser, RegisterPath);

        Assert.Contains("erin@newlab.example.com", page, StringComparison.Ordinal); // what the organisation released
        Assert.Contains("id=\"email\"", page, StringComparison.Ordinal);            // asked: it released no e-mail
        Assert.Contains("I accept the acceptable use policy (version v1)", page, StringComparison.Ordinal);
        Assert.Equal(0, await LinksOfSubjectAsync(fixture.Factory, "erin@newlab.example.com"));

        using var cancelled = await PostAsync(browser, page, RegisterPath + "/cancel");
        Assert.Equal(HttpStatusCode.OK, cancelled.StatusCode);
        Assert.Equal(0, await LinksOfSubjectAsync(fixture.Factory, "erin@newlab.example.com"));
        Assert.Equal(0, await WithDbAsync(fixture.Factory, db => db.AuditEvents.CountAsync(audit => audit.Action == AuditActions.AccountCreated &&
                                                                                                    audit.Details.Contains("erin"))));
        using var afterwards = await browser.GetAsync(RegisterPath);
        Assert.Equal(HttpStatusCode.BadRequest, afterwards.StatusCode);
    }

    [Fact]
    public async Task Registration_verifies_the_email_by_a_mailed_link_requires_the_aup_and_then_continues_to_the_client()
    {
        var browser = fixture.Factory.CreateBrowser();
        var (_, authorizeUrl) = await SignInUpstreamAsync(browser, "gina");
        var page = await PageAsync(browser, RegisterPath);

        // Without a confirmed address, and then without accepting the AUP, nothing is created.
        using (var early = await PostAsync(browser, page, RegisterPath, ("accept", "yes")))
        {
            Assert.Contains("Please confirm an e-mail address first.", await early.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        using (var sent = await PostAsync(browser, page, RegisterPath + "/email", ("email", "gina@mail.example.net")))
        {
            Assert.Contains("data-sent-to", await sent.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        var mail = Assert.Single(fixture.Factory.Services.GetRequiredService<DevelopmentMailbox>().Messages,
            message => message.Mail.To == "gina@mail.example.net").Mail;
        var link = new Uri(VerificationLink().Match(mail.TextBody).Value);
        using (var verified = await browser.GetAsync(link.PathAndQuery))
        {
            Assert.Equal(RegisterPath, verified.Headers.Location!.OriginalString);
        }

        page = await PageAsync(browser, RegisterPath);
        Assert.Contains("data-verified-email>gina@mail.example.net", page, StringComparison.Ordinal);
        using (var unaccepted = await PostAsync(browser, page, RegisterPath))
        {
            Assert.Contains("please accept the acceptable use policy", await unaccepted.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        Assert.Equal(0, await LinksOfSubjectAsync(fixture.Factory, "gina@newlab.example.com"));

        using var confirmed = await PostAsync(browser, page, RegisterPath, ("accept", "yes"));
        Assert.Equal(authorizeUrl, confirmed.Headers.Location!.OriginalString);
        using var toClient = await browser.GetAsync(confirmed.Headers.Location);
        Assert.Contains("code=", toClient.Headers.Location!.Query, StringComparison.Ordinal);

        var account = await WithDbAsync(fixture.Factory, db => db.CommunityAccounts.Include(candidate => candidate.Emails).Include(candidate => candidate.AupAcceptances)
            .SingleAsync(candidate => candidate.Links.Any(l => l.Subject == "gina@newlab.example.com")));
        Assert.Equal("gina@mail.example.net", Assert.Single(account.Emails, email => email.VerifiedAt is not null).Address);
        Assert.Equal(InteractiveRegistrationFixture.AupVersion, Assert.Single(account.AupAcceptances).Version);
        Assert.Equal(1, await WithDbAsync(fixture.Factory, db => db.AuditEvents.CountAsync(audit =>
            audit.Action == AuditActions.AccountCreated && audit.Target == account.Id && audit.Actor == AuditActors.Registration)));
    }

    [Fact]
    public async Task A_verification_link_opened_in_another_browser_is_refused()
    {
        var browser = fixture.Factory.CreateBrowser();
        await SignInUpstreamAsync(browser, "leo");
        var page = await PageAsync(browser, RegisterPath);
        Assert.Contains("value=\"leo@mail.example.net\"", page, StringComparison.Ordinal); // released, but not within the IdP's scope
        using (await PostAsync(browser, page, RegisterPath + "/email", ("email", "leo@mail.example.net")))
        {
        }

        var mail = Assert.Single(fixture.Factory.Services.GetRequiredService<DevelopmentMailbox>().Messages,
            message => message.Mail.To == "leo@mail.example.net").Mail;
        var other = fixture.Factory.CreateBrowser();
        await SignInUpstreamAsync(other, "leo");

        using var refused = await other.GetAsync(new Uri(VerificationLink().Match(mail.TextBody).Value).PathAndQuery);

        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.DoesNotContain("data-verified-email", await PageAsync(other, RegisterPath), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_email_released_by_an_identity_provider_whose_scope_covers_it_counts_as_verified()
    {
        var browser = fixture.Factory.CreateBrowser();
        await SignInUpstreamAsync(browser, "frank");
        var page = await PageAsync(browser, RegisterPath);
        Assert.Contains("data-verified-email>frank@newlab.example.com", page, StringComparison.Ordinal);

        using var confirmed = await PostAsync(browser, page, RegisterPath, ("accept", "yes"));
        using var toClient = await browser.GetAsync(confirmed.Headers.Location);
        Assert.Contains("code=", toClient.Headers.Location!.Query, StringComparison.Ordinal);

        // A later login of the registered person: the address is the account's, verified.
        var client = new OidcTestClient(fixture.Factory);
        var tokens = await client.CodeFlowAsync("frank", "openid email");
        var userInfo = await client.UserInfoAsync(tokens.GetProperty("access_token").GetString()!);
        Assert.Equal("frank@newlab.example.com", userInfo.GetProperty("email").GetString());
        Assert.True(userInfo.GetProperty("email_verified").GetBoolean());
    }

    [Fact]
    public async Task A_pre_registered_person_signs_in_without_a_registration_page_with_the_current_aup_accepted()
    {
        var tokens = await new OidcTestClient(fixture.Factory).CodeFlowAsync("bob");

        var sub = new JsonWebToken(tokens.GetProperty("id_token").GetString()!).Subject;
        var versions = await WithDbAsync(fixture.Factory, db => db.AupAcceptances.Where(acceptance => acceptance.AccountId == sub)
            .Select(acceptance => acceptance.Version).ToListAsync());
        Assert.Equal([InteractiveRegistrationFixture.AupVersion], versions);
    }

    [Fact]
    public async Task A_new_aup_version_asks_again_at_the_next_login()
    {
        var first = await new OidcTestClient(fixture.Factory).CodeFlowAsync("carol");
        var sub = new JsonWebToken(first.GetProperty("id_token").GetString()!).Subject;
        await using var bumped = new ProxyFactory(fixture.Database, overrides: InteractiveRegistrationFixture.Settings("v2"));
        var browser = bumped.CreateBrowser();

        var (next, authorizeUrl) = await SignInUpstreamAsync(browser, "carol");

        Assert.Equal(RegisterPath, next.OriginalString);
        var page = await PageAsync(browser, RegisterPath);
        Assert.Contains("The acceptable use policy has changed", page, StringComparison.Ordinal);
        Assert.Contains("(version v2)", page, StringComparison.Ordinal);
        using var accepted = await PostAsync(browser, page, RegisterPath, ("accept", "yes"));
        Assert.Equal(authorizeUrl, accepted.Headers.Location!.OriginalString);
        var versions = await WithDbAsync(bumped, db => db.AupAcceptances.Where(acceptance => acceptance.AccountId == sub)
            .OrderBy(acceptance => acceptance.Version).Select(acceptance => acceptance.Version).ToListAsync());
        Assert.Equal(["v1", "v2"], versions);
    }

    [GeneratedRegex(@"https?://\S+/account/register/verify\?token=\S+")]
    private static partial Regex VerificationLink();
}
