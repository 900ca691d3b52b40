using AaiProxy.Groups;
using AaiProxy.Groups.Management;
using AaiProxy.Identity;
using AaiProxy.Server.Groups.Management;
using AaiProxy.Server.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace AaiProxy.Server.Tests.Groups;

/// <summary>The proxy with a platform admin named in configuration; helpers that create people and call the management service.</summary>
public class GroupAdministrationFixture : ProxyFixture
{
    public const string PlatformAdminId = "platform-admin-0001";

    public static readonly ManagementActor PlatformAdmin = ManagementActor.Person(PlatformAdminId);

    public static readonly ManagementActor DemoUserOffice = ManagementActor.UserOffice("test-user-office", ["demo"]);

    protected override IReadOnlyDictionary<string, string>? Overrides => new Dictionary<string, string>
    {
        ["AaiProxy:Groups:PlatformAdmins:0"] = PlatformAdminId,
    };

    /// <summary>Runs one call on a fresh scope, as one request would.</summary>
    public async Task<T> CallAsync<T>(Func<GroupAdministration, Task<T>> call)
    {
        using var scope = Factory.Services.CreateScope();
        return await call(scope.ServiceProvider.GetRequiredService<GroupAdministration>());
    }

    public async Task<T> WithAsync<TService, T>(Func<TService, Task<T>> call) where TService : notnull
    {
        using var scope = Factory.Services.CreateScope();
        return await call(scope.ServiceProvider.GetRequiredService<TService>());
    }

    /// <summary>A new account that signed in once with this e-mail address.</summary>
    public async Task<string> PersonAsync(string name, string? email = null)
    {
        var unique = $"{name}-{Guid.NewGuid():N}";
        var resolved = await WithAsync<ICommunityAccountResolver, ResolvedIdentity>(resolver => resolver.ResolveAsync(new UpstreamIdentity(
            UpstreamProtocols.Saml2, "https://idp.admin-test.example.org/idp", $"{unique}@admin-test.example.org", InternalAttributes.SubjectId,
            new Dictionary<string, IReadOnlyList<string>> { [InternalAttributes.Email] = [email ?? $"{unique}@admin-test.example.org"] },
            new UpstreamAuthentication(DateTimeOffset.UtcNow, null)), CancellationToken.None));
        return resolved.Account.Id;
    }

    public async Task<Group> FacilityGroupAsync() =>
        (await WithAsync<IGroupDirectory, Group?>(directory => directory.FindGroupByPathAsync(GroupPath.Of("pan", "demo"), CancellationToken.None)))!;

    /// <summary>A new team under the demo facility, created by the platform admin, with <paramref name="manager"/> as its manager.</summary>
    public async Task<Group> TeamAsync(string name, string? manager = null)
    {
        var facility = await FacilityGroupAsync();
        var team = Ok(await CallAsync(admin => admin.CreateGroupAsync(PlatformAdmin,
            new CreateGroup(facility.Id, $"{name}-{Guid.NewGuid():N}"[..24], "A test team", GroupVisibility.Members), CancellationToken.None))).Value;
        if (manager is not null)
            Ok(await CallAsync(admin => admin.AddMemberAsync(PlatformAdmin, team.Id,
                new AddMember(new PersonReference(manager, null), [GroupRoles.Manager], null, null), CancellationToken.None)));
        return team;
    }

    public static T Ok<T>(Outcome<T> outcome) =>
        outcome is Outcome<T>.Ok ok ? ok.Value : throw new Xunit.Sdk.XunitException($"Expected Ok, got {outcome}.");

    public static TFailure Failed<T, TFailure>(Outcome<T> outcome) where TFailure : Failure =>
        outcome is Outcome<T>.Failed { Failure: TFailure failure } ? failure : throw new Xunit.Sdk.XunitException($"Expected {typeof(TFailure).Name}, got {outcome}.");
}
