using AaiProxy.Groups;
using AaiProxy.Groups.Management;
using AaiProxy.Identity;
using AaiProxy.Server.Configuration;
using AaiProxy.Server.Groups.Invitations;
using AaiProxy.Server.Groups.Management;
using AaiProxy.Server.Tests.Infrastructure;
using AaiProxy.Tests.Shared;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace AaiProxy.Server.Tests.Invitations;

/// <summary>Join requests decided by a group's managers, and expiry reminders mailed to the real SMTP sink.</summary>
public sealed class JoinRequestAndReminderTests(JoinRequestAndReminderTests.Fixture fixture) : IClassFixture<JoinRequestAndReminderTests.Fixture>
{
    private const string PlatformAdmin = "platform-admin-of-the-tests";

    public sealed class Fixture : ProxyFixture
    {
        protected override IReadOnlyDictionary<string, string> Overrides => new Dictionary<string, string>
        {
            ["AaiProxy:Groups:PlatformAdmins:0"] = PlatformAdmin,
        };
    }

    [Fact]
    public async Task A_manager_approves_a_join_request_once_and_the_person_is_an_active_member()
    {
        var (group, manager) = await ManagedGroupAsync("approve");
        var person = await AccountAsync("approve-requester");
        using var scope = fixture.Factory.Services.CreateScope();
        var requests = scope.ServiceProvider.GetRequiredService<JoinRequestService>();

        var asked = Ok(await requests.RequestAsync(person, group.Id, "I run the beamline's analysis.", CancellationToken.None));
        Assert.IsType<Failure.Conflict>(Failed(await requests.RequestAsync(person, group.Id, "again", CancellationToken.None)));
        Assert.Equal([asked.Id], Ok(await requests.ListPendingAsync(ManagementActor.Person(manager), group.Id, CancellationToken.None)).Select(r => r.Id));

        Assert.Equal(JoinRequestState.Approved, Ok(await requests.DecideAsync(ManagementActor.Person(manager), group.Id, asked.Id, approve: true, CancellationToken.None)).State);
        Assert.IsType<Failure.Conflict>(Failed(await requests.DecideAsync(ManagementActor.Person(manager), group.Id, asked.Id, approve: false, CancellationToken.None)));

        var membership = await scope.ServiceProvider.GetRequiredService<IGroupDirectory>().FindMembershipAsync(group.Id, person, CancellationToken.None);
        Assert.True(MembershipLifecycle.IsEffective(membership!, DateTimeOffset.UtcNow));
        Assert.Equal(RoleSet.None, membership!.Roles);
        Assert.IsType<Failure.Conflict>(Failed(await requests.RequestAsync(person, group.Id, "", CancellationToken.None)));
    }

    [Fact]
    public async Task Only_the_groups_managers_decide_and_a_proposal_team_takes_no_join_requests()
    {
        var (group, _) = await ManagedGroupAsync("others");
        var (person, stranger) = (await AccountAsync("others-requester"), await AccountAsync("others-stranger"));
        using var scope = fixture.Factory.Services.CreateScope();
        var requests = scope.ServiceProvider.GetRequiredService<JoinRequestService>();
        var asked = Ok(await requests.RequestAsync(person, group.Id, "", CancellationToken.None));

        Assert.IsType<Failure.Forbidden>(Failed(await requests.DecideAsync(ManagementActor.Person(stranger), group.Id, asked.Id, approve: true, CancellationToken.None)));
        Assert.IsType<Failure.Forbidden>(Failed(await requests.DecideAsync(ManagementActor.Person(person), group.Id, asked.Id, approve: true, CancellationToken.None)));
        var team = (await scope.ServiceProvider.GetRequiredService<IGroupDirectory>().FindProposalAsync(new ProposalKey("demo", "DEMO-2021-042"), CancellationToken.None))!;
        Assert.IsType<Failure.Conflict>(Failed(await requests.RequestAsync(person, team.TeamGroupId, "", CancellationToken.None)));
    }

    [SkippableFact]
    public async Task Members_and_managers_are_reminded_once_per_membership_end_and_again_after_a_renewal()
    {
        await using var factory = new ProxyFactory(fixture.Database, overrides: SmtpSink.ProxySettings.Concat(
            [KeyValuePair.Create("AaiProxy:Groups:PlatformAdmins:0", PlatformAdmin)]).ToDictionary());
        var (memberMail, managerMail) = (SmtpSink.UniqueRecipient("member"), SmtpSink.UniqueRecipient("manager"));
        var (group, manager) = await ManagedGroupAsync("remind", managerMail);
        var member = await AccountAsync("remind-member", memberMail);
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await AddAsync(group, member, [], end: time.GetUtcNow().AddDays(20));
        var reminders = new ExpiryReminderService(factory.Services.GetRequiredService<IServiceScopeFactory>(),
            factory.Services.GetRequiredService<IOptions<ProxyOptions>>(), time, NullLogger<ExpiryReminderService>.Instance);

        Assert.Equal(0, await reminders.RunOnceAsync(CancellationToken.None)); // 20 days ahead; reminders come 14 days ahead
        time.Advance(TimeSpan.FromDays(7));
        Assert.Equal(1, await reminders.RunOnceAsync(CancellationToken.None));
        Assert.Equal(0, await reminders.RunOnceAsync(CancellationToken.None));

        var toMember = Assert.Single(SmtpSink.MessagesTo(memberMail));
        Assert.Contains(group.Path.ToString(), toMember.TextBody);
        var toManager = Assert.Single(SmtpSink.MessagesTo(managerMail));
        Assert.Contains($"http://localhost/admin/groups/{group.Id}", toManager.TextBody);

        using (var scope = factory.Services.CreateScope())
            Ok(await scope.ServiceProvider.GetRequiredService<GroupAdministration>().ChangeMembershipAsync(ManagementActor.Person(manager), group.Id, member,
                new ChangeMembership(null, new EndDate(time.GetUtcNow().AddDays(40)), null), null, CancellationToken.None));
        time.Advance(TimeSpan.FromDays(30));
        Assert.Equal(1, await reminders.RunOnceAsync(CancellationToken.None));
        Assert.Equal(2, SmtpSink.MessagesTo(memberMail).Count);
    }

    /// <summary>A new community-visible team under the demo facility, created by a platform admin, with a manager.</summary>
    private async Task<(Group Group, string Manager)> ManagedGroupAsync(string name, string? managerMail = null)
    {
        var manager = await AccountAsync($"{name}-manager", managerMail);
        using var scope = fixture.Factory.Services.CreateScope();
        var facility = (await scope.ServiceProvider.GetRequiredService<IGroupDirectory>().FindGroupByPathAsync(GroupPath.Of("pan", "demo"), CancellationToken.None))!;
        var group = Ok(await scope.ServiceProvider.GetRequiredService<GroupAdministration>().CreateGroupAsync(ManagementActor.Person(PlatformAdmin),
            new CreateGroup(facility.Id, $"{name}-{Guid.NewGuid():N}"[..20], "Beamline users", GroupVisibility.Community), CancellationToken.None)).Value;
        await AddAsync(group, manager, [GroupRoles.Manager], end: null);
        return (group, manager);
    }

    private async Task AddAsync(Group group, string accountId, IReadOnlyList<string> roles, DateTimeOffset? end)
    {
        using var scope = fixture.Factory.Services.CreateScope();
        Ok(await scope.ServiceProvider.GetRequiredService<GroupAdministration>().AddMemberAsync(ManagementActor.Person(PlatformAdmin), group.Id,
            new AddMember(new PersonReference(accountId, null), roles, null, end), CancellationToken.None));
    }

    private async Task<string> AccountAsync(string name, string? email = null)
    {
        using var scope = fixture.Factory.Services.CreateScope();
        var attributes = new Dictionary<string, IReadOnlyList<string>>();
        if (email is not null)
            attributes[InternalAttributes.Email] = [email];
        var resolved = await scope.ServiceProvider.GetRequiredService<ICommunityAccountResolver>().ResolveAsync(new UpstreamIdentity(
            UpstreamProtocols.Saml2, "https://idp.join-test.example.org/idp", $"{name}-{Guid.NewGuid():N}@join-test.example.org", InternalAttributes.SubjectId,
            attributes, new UpstreamAuthentication(DateTimeOffset.UtcNow, null)), CancellationToken.None);
        return resolved.Account.Id;
    }

    private static T Ok<T>(Outcome<T> outcome) =>
        outcome is Outcome<T>.Ok ok ? ok.Value : throw new Xunit.Sdk.XunitException($"Expected success, got {outcome}.");

    private static Failure Failed<T>(Outcome<T> outcome) =>
        outcome is Outcome<T>.Failed failed ? failed.Failure : throw new Xunit.Sdk.XunitException($"Expected a failure, got {outcome}.");
}
