using AaiProxy.Groups.Import;

namespace AaiProxy.Groups.Management;

/// <summary>A group created (<paramref name="Before"/> null), changed, or deleted (<paramref name="After"/> null).</summary>
public sealed record GroupChange(Group? Before, Group? After);

/// <summary>A membership added (<paramref name="Before"/> null) or changed (ended memberships are changed to expired, never deleted).</summary>
public sealed record MembershipChange(Membership? Before, Membership After);

/// <summary>
/// A proposal created (<paramref name="Before"/> null), changed, or deleted (<paramref name="After"/>
/// null). The store keeps its team group in step (<see cref="ProposalTeamPlanner"/>) in the same transaction.
/// </summary>
public sealed record ProposalChange(Proposal? Before, Proposal? After);

/// <summary>A facility user id set (<paramref name="Before"/> null or another account) or removed (<paramref name="After"/> null).</summary>
public sealed record FacilityUserIdChange(FacilityUserId? Before, FacilityUserId? After);

/// <summary>
/// Everything one management command changes. <see cref="IGroupWriter.SaveAsync"/> applies it in one
/// transaction together with its audit entries (<see cref="GroupAudit.Describe(GroupChanges)"/>):
/// the one place that writes group changes.
/// </summary>
public sealed record GroupChanges(
    IReadOnlyList<GroupChange> Groups,
    IReadOnlyList<MembershipChange> Memberships,
    IReadOnlyList<ProposalChange> Proposals,
    IReadOnlyList<FacilityUserIdChange> FacilityUserIds,
    IReadOnlyList<InvitationRequest> Invitations)
{
    public static GroupChanges None { get; } = new([], [], [], [], []);

    public static GroupChanges Of(GroupChange change) => None with { Groups = [change] };

    public static GroupChanges Of(MembershipChange change) => None with { Memberships = [change] };

    public static GroupChanges Of(ProposalChange change) => None with { Proposals = [change] };

    public static GroupChanges Of(FacilityUserIdChange change) => None with { FacilityUserIds = [change] };

    /// <summary>An import plan as changes: its creates, updates and invitation requests.</summary>
    public static GroupChanges Of(ProposalImportPlan plan) => None with
    {
        Proposals = [.. plan.Creates.Select(p => new ProposalChange(null, p)), .. plan.Updates.Select(u => new ProposalChange(u.Before, u.After))],
        Invitations = plan.Invitations,
    };

    public bool IsEmpty => Groups.Count == 0 && Memberships.Count == 0 && Proposals.Count == 0 && FacilityUserIds.Count == 0 && Invitations.Count == 0;
}
