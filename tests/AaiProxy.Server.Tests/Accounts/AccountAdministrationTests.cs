using AaiProxy.Data;
using AaiProxy.Data.Entities;
using AaiProxy.Identity;
using AaiProxy.Server.Accounts;
using AaiProxy.Server.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace AaiProxy.Server.Tests.Accounts;

/// <summary>Administrators' account changes, on the real database.</summary>
public sealed class AccountAdministrationTests(ProxyFixture fixture) : IClassFixture<ProxyFixture>
{
    private const string Issuer = "https://idp.merge.example.org/idp";

    [Fact]
    public async Task Admin_merge_moves_linked_identities_emails_and_memberships_and_is_audited()
    {
        var source = await RegisterAsync("old-self", "old@mail.example.net");
        var target = await RegisterAsync("new-self", "new@mail.example.net");
        await using (var scope = fixture.Factory.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<ProxyDbContext>();
            db.Groups.AddRange(Group("g-merge-1", "/pan/merge-one"), Group("g-merge-2", "/pan/merge-two"));
            db.Memberships.AddRange(Membership("g-merge-1", source, "pi"), Membership("g-merge-2", source, ""), Membership("g-merge-2", target, "member"));
            await db.SaveChangesAsync();
        }

        await using (var scope = fixture.Factory.Services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<AccountAdministration>().MergeAsync(source, target, "admin:merger", CancellationToken.None);
        }

        await using var check = fixture.Factory.Services.CreateAsyncScope();
        var store = check.ServiceProvider.GetRequiredService<AccountStore>();
        var merged = (await store.GetAsync(target, CancellationToken.None))!;
        Assert.Equal(["new-self", "old-self"], merged.Links.Select(link => link.Upstream.Subject).Order());
        Assert.Equal(["new@mail.example.net", "old@mail.example.net"], merged.Account.Emails.Select(email => email.Address).Order());
        var db2 = check.ServiceProvider.GetRequiredService<ProxyDbContext>();
        var memberships = await db2.Memberships.Where(membership => membership.AccountId == target).OrderBy(m => m.GroupId).ToListAsync();
        Assert.Equal(["g-merge-1", "g-merge-2"], memberships.Select(membership => membership.GroupId));
        Assert.Equal("pi", memberships[0].Roles);
        Assert.Equal("member", memberships[1].Roles); // the target's own membership wins
        Assert.Empty(await db2.Memberships.Where(membership => membership.AccountId == source).ToListAsync());
        Assert.Equal(AccountStatus.Deleted, (await store.GetAsync(source, CancellationToken.None))!.Account.Status);

        var audit = await db2.AuditEvents.SingleAsync(entry => entry.Action == AuditActions.AccountMerged && entry.Target == target);
        Assert.Equal("admin:merger", audit.Actor);
        Assert.Contains(source, audit.Details, StringComparison.Ordinal);
        Assert.Contains("\"memberships\":\"1\"", audit.Details, StringComparison.Ordinal);
        Assert.Contains(await db2.AuditEvents.Where(entry => entry.Target == source).Select(entry => entry.Action).ToListAsync(),
            action => action == AuditActions.AccountDeleted);

        // Later logins through the source's identity reach the target account.
        var resolver = check.ServiceProvider.GetRequiredService<ICommunityAccountResolver>();
        Assert.Equal(target, (await resolver.FindAsync(Upstream("old-self", null), CancellationToken.None))!.Account.Id);
    }

    [Fact]
    public async Task An_account_with_one_identity_cannot_unlink_it()
    {
        var account = await RegisterAsync("only-one", null);
        await using var scope = fixture.Factory.Services.CreateAsyncScope();
        var store = scope.ServiceProvider.GetRequiredService<AccountStore>();
        var link = Assert.Single((await store.GetAsync(account, CancellationToken.None))!.Links);

        Assert.False(await store.UnlinkAsync(account, link.LinkId, CancellationToken.None));
        Assert.Single((await store.GetAsync(account, CancellationToken.None))!.Links);
    }

    [Fact]
    public async Task Linking_an_identity_of_another_account_is_refused_and_moves_nothing()
    {
        var mine = await RegisterAsync("link-mine", null);
        var theirs = await RegisterAsync("link-theirs", null);
        await using var scope = fixture.Factory.Services.CreateAsyncScope();
        var store = scope.ServiceProvider.GetRequiredService<AccountStore>();

        Assert.Equal(LinkOutcome.LinkedElsewhere, await store.LinkAsync(mine, Upstream("link-theirs", null), CancellationToken.None));
        Assert.Equal(LinkOutcome.AlreadyLinked, await store.LinkAsync(mine, Upstream("link-mine", null), CancellationToken.None));
        Assert.Single((await store.GetAsync(theirs, CancellationToken.None))!.Links);
    }

    [Fact]
    public async Task Retention_deletes_older_audit_entries_and_forgets_the_attributes_of_identities_unused_since()
    {
        var account = await RegisterAsync("retained", "retained@mail.example.net");
        var now = DateTimeOffset.UtcNow;
        await using (var scope = fixture.Factory.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<ProxyDbContext>();
            db.AuditEvents.AddRange(
                new AuditEventEntity { OccurredAt = now.AddDays(-800), Actor = "test", Action = "test.old", Target = "retention", Details = "{}" },
                new AuditEventEntity { OccurredAt = now.AddDays(-10), Actor = "test", Action = "test.recent", Target = "retention", Details = "{}" });
            (await db.UpstreamLinks.SingleAsync(link => link.AccountId == account)).LastSeenAt = now.AddDays(-400);
            await db.SaveChangesAsync();
        }

        await using var check = fixture.Factory.Services.CreateAsyncScope();
        var (audits, attributes) = await check.ServiceProvider.GetRequiredService<AccountStore>()
            .PruneAsync(now.AddDays(-730), now.AddDays(-365), CancellationToken.None);

        var db2 = check.ServiceProvider.GetRequiredService<ProxyDbContext>();
        Assert.Equal(["test.recent"], await db2.AuditEvents.Where(entry => entry.Target == "retention").Select(entry => entry.Action).ToListAsync());
        var link = await db2.UpstreamLinks.AsNoTracking().SingleAsync(candidate => candidate.AccountId == account);
        Assert.Equal("{}", link.LastAttributesJson);
        Assert.Equal((1, 1), (audits, attributes));
    }

    private async Task<string> RegisterAsync(string subject, string? email)
    {
        await using var scope = fixture.Factory.Services.CreateAsyncScope();
        var resolver = scope.ServiceProvider.GetRequiredService<ICommunityAccountResolver>();
        var registration = new AccountRegistration(email is null ? [] : [email], "v1", AuditActors.Registration);
        return (await resolver.RegisterAsync(Upstream(subject, email), registration, CancellationToken.None)).Account.Id;
    }

    private static UpstreamIdentity Upstream(string subject, string? email) => new(UpstreamProtocols.Saml2, Issuer, subject, InternalAttributes.SubjectId,
        email is null ? new Dictionary<string, IReadOnlyList<string>>() : new Dictionary<string, IReadOnlyList<string>> { [InternalAttributes.Email] = [email] },
        new UpstreamAuthentication(DateTimeOffset.UtcNow, null));

    private static GroupEntity Group(string id, string path) => new() { Id = id, Path = path, Kind = "Team", Visibility = "Members" };

    private static MembershipEntity Membership(string groupId, string accountId, string roles) =>
        new() { GroupId = groupId, AccountId = accountId, Roles = roles, Status = "Active" };
}
