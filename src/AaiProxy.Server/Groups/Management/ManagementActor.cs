using AaiProxy.Groups;

namespace AaiProxy.Server.Groups.Management;

/// <summary>
/// Who acts: a person (by community id) or a user-office API client, which may do everything within
/// the facilities it is the user office of (<c>Clients[].UserOfficeFor</c>).
/// </summary>
/// <param name="AuditName">What the audit log records as the actor: <c>account:{id}</c> or <c>client:{id}</c>.</param>
public sealed record ManagementActor(string AuditName, string? AccountId, IReadOnlyList<string> UserOfficeFacilities)
{
    public static ManagementActor Person(string accountId) => new($"account:{accountId}", accountId, []);

    public static ManagementActor UserOffice(string clientId, IReadOnlyList<string> facilities) => new($"client:{clientId}", null, facilities);

    /// <summary>An operator at the command line of the server (<c>AaiProxy.Server clients add</c>, …): manages every client.</summary>
    public static ManagementActor Operator { get; } = new(AaiProxy.Identity.AuditActors.Operator, null, []);

    public bool IsOperator => AccountId is null && AuditName == AaiProxy.Identity.AuditActors.Operator;
}

/// <summary>
/// What one actor may do, loaded once per command: the one place that decides management rights.
/// Platform admins (<c>AaiProxy:Groups:PlatformAdmins</c>) everything; a user-office client its
/// facilities' subtrees; a facility admin (a manager of a facility's group or above) that subtree;
/// a manager of a group (or an ancestor), and a PI of a proposal, that group (<see cref="GroupAuthority"/>).
/// </summary>
internal sealed class ManagementRights(
    ManagementActor actor, PersonGroups? person, bool isPlatformAdmin, FacilityCatalog facilities, DateTimeOffset now)
{
    public DateTimeOffset Now => now;

    public bool IsPlatformAdmin => isPlatformAdmin;

    public bool CanManage(Group group) =>
        isPlatformAdmin
        || actor.UserOfficeFacilities.Any(code => facilities.Find(code) is { } facility && group.Path.IsWithin(facility.Path))
        || (person is not null && GroupAuthority.CanManage(person, group, now));

    /// <summary>A facility admin of <paramref name="facility"/>: may create and delete its proposals, shorten embargoes, keep its user ids.</summary>
    public bool IsFacilityAdmin(Facility facility, Group? facilityGroup) =>
        isPlatformAdmin
        || actor.UserOfficeFacilities.Contains(facility.Code, StringComparer.Ordinal)
        || (facilityGroup is not null && person is not null && GroupAuthority.CanManage(person, facilityGroup, now));

    /// <summary>A facility admin anywhere (or a platform admin): may search people by name.</summary>
    public bool IsAnyFacilityAdmin =>
        isPlatformAdmin || actor.UserOfficeFacilities.Count > 0 || ManagedGroups.Any(group => group.Kind is GroupKind.Facility or GroupKind.Community);

    /// <summary>Manages something: may look people up by exact e-mail or community id.</summary>
    public bool ManagesAnything => isPlatformAdmin || actor.UserOfficeFacilities.Count > 0 || ManagedGroups.Any();

    /// <summary>True when the actor holds an effective membership of the group.</summary>
    public bool IsMember(string groupId) =>
        person is not null && person.Memberships.Any(m => m.GroupId == groupId && MembershipLifecycle.IsEffective(m, now));

    /// <summary>The subtrees the actor manages (null: everything).</summary>
    public IReadOnlyList<GroupPath>? Scope =>
        isPlatformAdmin
            ? null
            : [.. actor.UserOfficeFacilities.Select(facilities.Find).OfType<Facility>().Select(facility => facility.Path)
                .Concat(ManagedGroups.Select(group => group.Path)).Distinct()];

    /// <summary>The actor's effective memberships with their groups.</summary>
    public IEnumerable<(Group Group, Membership Membership)> Memberships =>
        person is null
            ? []
            : from membership in MembershipLifecycle.EffectiveAt(person.Memberships, now)
              join grouped in person.Groups on membership.GroupId equals grouped.Id
              select (grouped, membership);

    public IEnumerable<Proposal> Proposals
    {
        get
        {
            var groups = Memberships.Select(m => m.Group.Path).ToHashSet();
            return person?.Proposals.Where(p => facilities.Find(p.FacilityCode) is { } f && groups.Contains(f.TeamGroupPath(p.Id))) ?? [];
        }
    }

    private IEnumerable<Group> ManagedGroups => Memberships.Where(m => m.Membership.Roles.Contains(GroupRoles.Manager)).Select(m => m.Group);
}
