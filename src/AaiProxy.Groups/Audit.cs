using System.Buffers.Text;
using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using AaiProxy.Groups.Import;
using AaiProxy.Groups.Management;

namespace AaiProxy.Groups;

/// <summary>
/// One audit-log entry for a group change: a stable action, the object, and its fields before
/// and after (empty before a creation). The store adds the actor and the time and saves it in the
/// transaction that made the change.
/// </summary>
public sealed record GroupAuditEntry(
    string Action, string Target, IReadOnlyDictionary<string, string> Before, IReadOnlyDictionary<string, string> After);

/// <summary>Stable action names: operators search and alert on them, so they never change meaning.</summary>
public static class GroupAuditActions
{
    public const string GroupCreated = "group.created";
    public const string GroupUpdated = "group.updated";
    public const string GroupDeleted = "group.deleted";
    public const string ProposalCreated = "proposal.created";
    public const string ProposalUpdated = "proposal.updated";
    public const string ProposalDeleted = "proposal.deleted";
    public const string FacilityUserIdSet = "facility_user_id.set";
    public const string FacilityUserIdRemoved = "facility_user_id.removed";
    public const string MembershipAdded = "membership.added";
    public const string MembershipUpdated = "membership.updated";
    public const string MembershipEnded = "membership.ended";
    public const string InvitationRequested = "invitation.requested";
    public const string InvitationAccepted = "invitation.accepted";
    public const string InvitationRevoked = "invitation.revoked";
    public const string JoinRequested = "join.requested";
    public const string JoinApproved = "join.approved";
    public const string JoinDenied = "join.denied";
}

/// <summary>Describes planned changes as audit entries: the one place that decides what an entry records.</summary>
public static class GroupAudit
{
    private static readonly IReadOnlyDictionary<string, string> Nothing = new Dictionary<string, string>();

    public static IEnumerable<GroupAuditEntry> Describe(ProposalImportPlan plan) => Describe(GroupChanges.Of(plan));

    /// <summary>
    /// The entries of one set of changes (a proposal's team-group memberships are described by the
    /// store from its <see cref="TeamPlan"/>, planned inside the transaction).
    /// </summary>
    public static IEnumerable<GroupAuditEntry> Describe(GroupChanges changes) =>
        changes.Groups.Select(c => Entry(c.Before, c.After, GroupAuditActions.GroupCreated, GroupAuditActions.GroupUpdated, GroupAuditActions.GroupDeleted,
                g => $"group:{g.Id}", Fields))
            .Concat(changes.Memberships.Select(c => c.Before is null
                ? new GroupAuditEntry(GroupAuditActions.MembershipAdded, Target(c.After), Nothing, Fields(c.After))
                : new GroupAuditEntry(c.After.Status == MembershipStatus.Expired && c.Before.Status != MembershipStatus.Expired
                    ? GroupAuditActions.MembershipEnded : GroupAuditActions.MembershipUpdated, Target(c.After), Fields(c.Before), Fields(c.After))))
            .Concat(changes.Proposals.Select(c => Entry(c.Before, c.After, GroupAuditActions.ProposalCreated, GroupAuditActions.ProposalUpdated, GroupAuditActions.ProposalDeleted,
                p => Target(p.Key), Fields)))
            .Concat(changes.FacilityUserIds.Select(c => Entry(c.Before, c.After, GroupAuditActions.FacilityUserIdSet, GroupAuditActions.FacilityUserIdSet, GroupAuditActions.FacilityUserIdRemoved,
                id => $"facility_user_id:{id.FacilityCode}/{id.UserId}", Fields)))
            .Concat(changes.Invitations.Select(i => Invited(Target(i.Proposal), i.Email, i.Roles)));

    /// <summary>An invitation created with its link (by a manager, not through an import).</summary>
    public static GroupAuditEntry Describe(Invitation invitation) =>
        Invited(invitation.Proposal is { } proposal ? Target(proposal) : $"group:{invitation.GroupId}", invitation.Email, invitation.Roles);

    private static GroupAuditEntry Invited(string target, string email, RoleSet roles) =>
        new(GroupAuditActions.InvitationRequested, target, Nothing, new Dictionary<string, string> { ["email"] = email, ["roles"] = roles.ToString() });

    public static IEnumerable<GroupAuditEntry> Describe(TeamPlan plan) =>
        plan.Adds.Select(m => new GroupAuditEntry(GroupAuditActions.MembershipAdded, Target(m), Nothing, Fields(m)))
            .Concat(plan.Updates.Select(u => new GroupAuditEntry(GroupAuditActions.MembershipUpdated, Target(u.After), Fields(u.Before), Fields(u.After))))
            .Concat(plan.Ends.Select(u => new GroupAuditEntry(GroupAuditActions.MembershipEnded, Target(u.After), Fields(u.Before), Fields(u.After))));

    /// <summary>The acceptance itself; the proposal or membership it changes is described with its own entry.</summary>
    public static GroupAuditEntry Describe(InvitationAcceptance acceptance) =>
        new(GroupAuditActions.InvitationAccepted, Target(acceptance.Invitation),
            new Dictionary<string, string> { ["state"] = "pending" },
            new Dictionary<string, string>
            {
                ["state"] = "accepted",
                ["accepted_by"] = acceptance.Invitation.AcceptedBy ?? "",
                ["email"] = acceptance.Invitation.Email,
                ["roles"] = acceptance.Invitation.Roles.ToString(),
            });

    public static GroupAuditEntry DescribeRevoked(Invitation invitation) =>
        new(GroupAuditActions.InvitationRevoked, Target(invitation), Fields(invitation),
            new Dictionary<string, string>(Fields(invitation)) { ["state"] = "revoked" });

    /// <summary>A join request made, approved or denied; the membership an approval opens is described with its own entry.</summary>
    public static GroupAuditEntry Describe(JoinRequest request) =>
        new(request.State switch
            {
                JoinRequestState.Approved => GroupAuditActions.JoinApproved,
                JoinRequestState.Denied => GroupAuditActions.JoinDenied,
                _ => GroupAuditActions.JoinRequested,
            },
            $"join-request:{request.Id}",
            request.State == JoinRequestState.Pending ? Nothing : new Dictionary<string, string> { ["state"] = "pending" },
            new Dictionary<string, string>
            {
                ["group"] = request.GroupId,
                ["account"] = request.AccountId,
                ["state"] = request.State.ToString().ToLowerInvariant(),
                ["message"] = request.Message,
            });

    private static string Target(Invitation invitation) => $"invitation:{invitation.Id}";

    private static Dictionary<string, string> Fields(Invitation invitation) => new()
    {
        ["group"] = invitation.GroupId,
        ["proposal"] = invitation.Proposal?.ToString() ?? "",
        ["email"] = invitation.Email,
        ["roles"] = invitation.Roles.ToString(),
        ["expires"] = Instant(invitation.ExpiresAt),
        ["state"] = invitation.State.ToString().ToLowerInvariant(),
    };

    /// <summary>
    /// A strong validator of an object's representation (an HTTP ETag's value): a hash of the fields
    /// its audit entries record, so that any change an audit entry would show changes the version.
    /// </summary>
    public static string Version(Group group) => Hash(Fields(group));

    public static string Version(Membership membership) => Hash(Fields(membership));

    public static string Version(Proposal proposal) => Hash(Fields(proposal));

    public static string Version(FacilityUserId id) => Hash(Fields(id));

    private static string Hash(Dictionary<string, string> fields) =>
        Base64Url.EncodeToString(SHA256.HashData(JsonSerializer.SerializeToUtf8Bytes(new SortedDictionary<string, string>(fields, StringComparer.Ordinal))))[..22];

    private static GroupAuditEntry Entry<T>(
        T? before, T? after, string created, string updated, string deleted, Func<T, string> target, Func<T, Dictionary<string, string>> fields) where T : class =>
        (before, after) switch
        {
            (null, { } a) => new GroupAuditEntry(created, target(a), Nothing, fields(a)),
            ({ } b, null) => new GroupAuditEntry(deleted, target(b), fields(b), Nothing),
            ({ } b, { } a) => new GroupAuditEntry(updated, target(a), fields(b), fields(a)),
            _ => throw new ArgumentException("A change has a before or an after."),
        };

    private static string Target(ProposalKey key) => $"proposal:{key}";

    private static string Target(Membership membership) => $"membership:{membership.GroupId}/{membership.AccountId}";

    private static Dictionary<string, string> Fields(Group group) => new()
    {
        ["path"] = group.Path.ToString(),
        ["kind"] = group.Kind.ToString().ToLowerInvariant(),
        ["description"] = group.Description,
        ["visibility"] = group.Visibility.ToString().ToLowerInvariant(),
    };

    private static Dictionary<string, string> Fields(FacilityUserId id) => new() { ["account"] = id.AccountId };

    private static Dictionary<string, string> Fields(Proposal proposal) => new()
    {
        ["title"] = proposal.Title,
        ["team"] = string.Join(' ', proposal.Team.Select(m => $"{m.AccountId}({m.Roles})")),
        ["sessions"] = string.Join(' ', proposal.Sessions.Select(s => $"{s.Instrument}@{Instant(s.Start)}/{Instant(s.End)}")),
        ["embargo"] = proposal.Embargo is { } e ? $"{Instant(e.End)}{(e.Shortened ? " (shortened)" : "")}" : "default",
    };

    private static Dictionary<string, string> Fields(Membership membership) => new()
    {
        ["roles"] = membership.Roles.ToString(),
        ["start"] = membership.Start is { } start ? Instant(start) : "",
        ["end"] = membership.End is { } end ? Instant(end) : "",
        ["status"] = membership.Status.ToString().ToLowerInvariant(),
    };

    private static string Instant(DateTimeOffset instant) =>
        instant.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}
