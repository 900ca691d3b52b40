using AaiProxy.Groups;

namespace AaiProxy.Server.Groups.Management;

/// <summary>
/// The management service's rules, lent to the commands kept beside it (invitations, join requests, the
/// admin pages), so that they decide who may do what exactly as every other command does.
/// </summary>
public sealed partial class GroupAdministration
{
    /// <summary>The group, when the actor manages it; otherwise why not.</summary>
    internal Task<(Group? Group, Failure? Failure)> AuthorizeManagementAsync(ManagementActor actor, string groupId, CancellationToken cancellationToken) =>
        ManagedGroupAsync(actor, groupId, cancellationToken);

    /// <summary>Role names checked against the deployment's roles; problems name <paramref name="field"/>.</summary>
    internal RoleSet CheckRoles(IReadOnlyList<string> names, string field, List<ManagementProblem> problems) => Roles(names, field, problems);
}
