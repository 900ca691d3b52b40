namespace AaiProxy.Groups;

public enum JoinRequestState { Pending, Approved, Denied }

/// <summary>A signed-in person's request to join a group, decided by one of its managers.</summary>
public sealed record JoinRequest(
    string Id, string GroupId, string AccountId, string Message, DateTimeOffset RequestedAt, JoinRequestState State, string? DecidedBy);

public enum JoinRequestRefusal { None, NotVisible, ProposalTeam, AlreadyMember }

/// <summary>Who may ask to join a group, and the membership an approval yields. The only place that decides it.</summary>
public static class JoinRequestRules
{
    /// <summary>
    /// A person may ask to join a group they can see (public or community visibility; a members-only
    /// group is not even shown to others), that is no proposal's team group (a team follows its
    /// proposal: the PI invites), and that they are not an effective member of.
    /// </summary>
    public static JoinRequestRefusal MayRequest(Group group, PersonGroups person, DateTimeOffset now) =>
        group switch
        {
            { Kind: GroupKind.Proposal } => JoinRequestRefusal.ProposalTeam,
            { Visibility: GroupVisibility.Members } => JoinRequestRefusal.NotVisible,
            _ when person.Memberships.Any(m => m.GroupId == group.Id && MembershipLifecycle.IsEffective(m, now)) => JoinRequestRefusal.AlreadyMember,
            _ => JoinRequestRefusal.None,
        };

    /// <summary>
    /// An approval: a plain active membership from now, open-ended; a former membership (ended,
    /// suspended or pending) is reopened with its roles kept, so its history stays in one row. Returned
    /// as a <see cref="TeamPlan"/>-shaped change so that <see cref="GroupAudit"/> describes it.
    /// </summary>
    public static TeamPlan Approve(JoinRequest request, Membership? existing, DateTimeOffset now) =>
        existing is null
            ? new TeamPlan([new Membership(request.GroupId, request.AccountId, RoleSet.None, now, null, MembershipStatus.Active)], [], [])
            : MembershipLifecycle.IsEffective(existing, now)
                ? new TeamPlan([], [], [])
                : new TeamPlan([], [new MembershipUpdate(existing, existing with { Start = now, End = null, Status = MembershipStatus.Active })], []);
}

/// <summary>Join requests; the same transaction rule as <see cref="IProposalStore"/>.</summary>
public interface IJoinRequestStore
{
    /// <summary>Stores a pending request (audited) unless the account already has one pending for the group; false then.</summary>
    Task<bool> CreateAsync(JoinRequest request, string actor, CancellationToken cancellationToken);

    Task<JoinRequest?> FindAsync(string requestId, CancellationToken cancellationToken);

    Task<IReadOnlyList<JoinRequest>> ListPendingAsync(string groupId, CancellationToken cancellationToken);

    /// <summary>
    /// Saves a decision (<paramref name="decided"/> approved or denied) and, for an approval, the
    /// membership change <see cref="JoinRequestRules.Approve"/> planned against the stored membership,
    /// with their audit entries; only while the request is still pending (false otherwise).
    /// </summary>
    Task<bool> DecideAsync(JoinRequest decided, string actor, CancellationToken cancellationToken);
}

/// <summary>A membership due for an expiry reminder, its group, and the accounts that manage the group (the member excluded).</summary>
public sealed record ExpiryReminderDue(Membership Membership, Group Group, IReadOnlyList<string> Managers);

/// <summary>What the expiry reminder service reads and records.</summary>
public interface IExpiryReminderStore
{
    /// <summary>
    /// Memberships due now (<see cref="MembershipLifecycle.DueForExpiryReminder"/> over those ending
    /// within <paramref name="notice"/>, against the reminders recorded), at most <paramref name="max"/>,
    /// each with its group and those who manage the group (<see cref="GroupAuthority"/>).
    /// </summary>
    Task<IReadOnlyList<ExpiryReminderDue>> LoadDueAsync(TimeSpan notice, DateTimeOffset now, int max, CancellationToken cancellationToken);

    /// <summary>Records that the reminder for this membership's end was sent.</summary>
    Task MarkRemindedAsync(Membership membership, DateTimeOffset sentAt, CancellationToken cancellationToken);
}

