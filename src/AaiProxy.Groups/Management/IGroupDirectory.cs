namespace AaiProxy.Groups.Management;

/// <summary>One page of a listing in key order; <paramref name="Next"/> is the key to continue after (null: the last page).</summary>
public sealed record Page<T>(IReadOnlyList<T> Items, string? Next);

/// <summary>At most <paramref name="Size"/> items whose key follows <paramref name="After"/> (null: from the first).</summary>
public sealed record PageRequest(int Size, string? After)
{
    public const int MaxSize = 500;

    public static PageRequest First(int size) => new(size, null);
}

/// <summary>A person as management sees them: the community id, the preferred username, and the e-mail addresses their linked identities last asserted.</summary>
public sealed record PersonSummary(string AccountId, string Username, IReadOnlyList<string> Emails);

/// <summary>A stored proposal and the id of its team group.</summary>
public sealed record StoredProposal(Proposal Proposal, string TeamGroupId);

/// <summary>One stored audit event; <paramref name="Details"/> is its JSON object (field → value, <c>before.</c> fields for the old values).</summary>
public sealed record AuditRecord(long Id, DateTimeOffset OccurredAt, string Actor, string Action, string Target, string Details);

/// <summary>Reads for management (besides <see cref="IGroupReader"/>). Listings are in key order: group path, account id, proposal id, facility user id.</summary>
public interface IGroupDirectory
{
    Task<Group?> FindGroupByPathAsync(GroupPath path, CancellationToken cancellationToken);

    Task<bool> HasChildrenAsync(string groupId, CancellationToken cancellationToken);

    /// <summary>Groups at or below any of <paramref name="within"/> (null: every group), by path.</summary>
    Task<Page<Group>> ListGroupsAsync(IReadOnlyList<GroupPath>? within, PageRequest page, CancellationToken cancellationToken);

    /// <summary>Every membership of the group, any status, by account id.</summary>
    Task<Page<Membership>> ListMembershipsAsync(string groupId, PageRequest page, CancellationToken cancellationToken);

    Task<Membership?> FindMembershipAsync(string groupId, string accountId, CancellationToken cancellationToken);

    Task<StoredProposal?> FindProposalAsync(ProposalKey key, CancellationToken cancellationToken);

    Task<StoredProposal?> FindProposalByTeamGroupAsync(string teamGroupId, CancellationToken cancellationToken);

    Task<Page<StoredProposal>> ListProposalsAsync(string facilityCode, PageRequest page, CancellationToken cancellationToken);

    Task<FacilityUserId?> FindFacilityUserIdAsync(string facilityCode, string userId, CancellationToken cancellationToken);

    Task<Page<FacilityUserId>> ListFacilityUserIdsAsync(string facilityCode, PageRequest page, CancellationToken cancellationToken);

    Task<PersonSummary?> FindPersonAsync(string accountId, CancellationToken cancellationToken);

    Task<PersonSummary?> FindPersonByUsernameAsync(string username, CancellationToken cancellationToken);

    /// <summary>Accounts one of whose linked identities last asserted exactly this address (compared case-insensitively).</summary>
    Task<IReadOnlyList<PersonSummary>> FindPeopleByEmailAsync(string email, CancellationToken cancellationToken);

    /// <summary>Audit events, oldest first (by id), whose target starts with one of <paramref name="targetPrefixes"/> (null: all) and that occurred at or after <paramref name="since"/> (null: from the start); keys are event ids.</summary>
    Task<Page<AuditRecord>> ListAuditAsync(IReadOnlyList<string>? targetPrefixes, PageRequest page, DateTimeOffset? since, CancellationToken cancellationToken);

    /// <summary>Accounts whose preferred username contains <paramref name="text"/>; for facility and platform admins only (the caller decides).</summary>
    Task<IReadOnlyList<PersonSummary>> SearchPeopleAsync(string text, int limit, CancellationToken cancellationToken);
}

/// <summary>The one place that writes group changes.</summary>
public interface IGroupWriter
{
    /// <summary>A new opaque group id, never reused.</summary>
    string NewGroupId();

    /// <summary>
    /// Applies the changes in one transaction together with their audit entries
    /// (<see cref="GroupAudit.Describe(GroupChanges)"/> and, for each proposal, its team group's
    /// <see cref="TeamPlan"/>), with <paramref name="actor"/> and the store's time.
    /// </summary>
    Task SaveAsync(GroupChanges changes, string actor, CancellationToken cancellationToken);
}
