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
        new(GroupAuditActions.InvitationAccepted, $"invitation:{acceptance.Invitation.Id}",
            new Dictionary<string, string> { ["state"] = "pending" },
            new Dictionary<string, string>
            {
                ["state"] = "accepted",
                ["accepted_by"] = acceptance.Invitation.AcceptedBy ?? "",
                ["email"] = acceptance.Invitation.Email,
                ["roles"] = acceptance.Invitation.Roles.ToString(),
            });

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
