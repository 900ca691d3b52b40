using System.Globalization;
using AaiProxy.Groups.Import;

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
    public const string ProposalCreated = "proposal.created";
    public const string ProposalUpdated = "proposal.updated";
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

    public static IEnumerable<GroupAuditEntry> Describe(ProposalImportPlan plan) =>
        plan.Creates.Select(p => new GroupAuditEntry(GroupAuditActions.ProposalCreated, Target(p.Key), Nothing, Fields(p)))
            .Concat(plan.Updates.Select(u => new GroupAuditEntry(GroupAuditActions.ProposalUpdated, Target(u.After.Key), Fields(u.Before), Fields(u.After))))
            .Concat(plan.Invitations.Select(i => new GroupAuditEntry(GroupAuditActions.InvitationRequested, Target(i.Proposal), Nothing,
                new Dictionary<string, string> { ["email"] = i.Email, ["roles"] = i.Roles.ToString() })));

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

    /// <summary>An invitation sent by a manager or PI (an import's requests are described with its plan).</summary>
    public static GroupAuditEntry DescribeCreated(Invitation invitation) =>
        new(GroupAuditActions.InvitationRequested, Target(invitation), Nothing, Fields(invitation));

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

    private static string Target(ProposalKey key) => $"proposal:{key}";

    private static string Target(Membership membership) => $"membership:{membership.GroupId}/{membership.AccountId}";

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
