namespace AaiProxy.Data.Entities;

/// <summary>A group in the hierarchy (<c>AaiProxy.Groups.Group</c>); <see cref="Path"/> is the path's display form, unique.</summary>
public sealed class GroupEntity
{
    public required string Id { get; set; }

    public string? ParentId { get; set; }

    /// <summary><c>GroupPath.ToString()</c>: <c>/community/facility/proposal</c>, read back with <c>GroupPath.Parse</c>.</summary>
    public required string Path { get; set; }

    public required string Kind { get; set; }

    /// <summary>The facility whose subtree this group is in (its own group, its proposals' team groups); null above the facilities.</summary>
    public string? FacilityCode { get; set; }

    public string Description { get; set; } = "";

    public required string Visibility { get; set; }
}

/// <summary>One account in one group; never deleted (ended memberships are <c>Expired</c>).</summary>
public sealed class MembershipEntity
{
    public required string GroupId { get; set; }

    public required string AccountId { get; set; }

    /// <summary>Roles besides <c>member</c>, comma-separated and sorted (<c>RoleSet</c>); empty for a plain member.</summary>
    public string Roles { get; set; } = "";

    public DateTimeOffset? Start { get; set; }

    public DateTimeOffset? End { get; set; }

    public required string Status { get; set; }

    public GroupEntity? Group { get; set; }
}

/// <summary>An experiment proposal, unique per facility; its team is the source of its team group's memberships.</summary>
public sealed class ProposalEntity
{
    public long Id { get; set; }

    public required string FacilityCode { get; set; }

    public required string ProposalId { get; set; }

    public required string Title { get; set; }

    /// <summary>A deliberate embargo change (<c>EmbargoOverride</c>); null: the facility's default.</summary>
    public DateTimeOffset? EmbargoEnd { get; set; }

    public bool EmbargoShortened { get; set; }

    /// <summary>JSON array of <c>{instrument, start, end}</c>, sorted as <c>Proposal.Create</c> sorts them.</summary>
    public required string SessionsJson { get; set; }

    /// <summary>JSON array of <c>{account, roles}</c>, sorted by account.</summary>
    public required string TeamJson { get; set; }

    public required string TeamGroupId { get; set; }
}

/// <summary>A person's user number at one facility (imported).</summary>
public sealed class FacilityUserIdEntity
{
    public required string FacilityCode { get; set; }

    public required string UserId { get; set; }

    public required string AccountId { get; set; }
}

/// <summary>
/// An invitation by e-mail into a group (for a proposal's team group, into the proposal's team). An
/// import first stores a request (<see cref="TokenHash"/> and <see cref="ExpiresAt"/> null); the mailer
/// issues it (creates the link's token, keeps only its hash) when it sends the mail.
/// </summary>
public sealed class InvitationEntity
{
    public required string Id { get; set; }

    public required string GroupId { get; set; }

    public string? FacilityCode { get; set; }

    public string? ProposalId { get; set; }

    /// <summary>Lower-cased.</summary>
    public required string Email { get; set; }

    /// <summary>Roles besides <c>member</c>, comma-separated and sorted (<c>RoleSet</c>).</summary>
    public string Roles { get; set; } = "";

    public required string InvitedBy { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>SHA-256 of the link's token, base64url (<c>InvitationTokens.Hash</c>); null until issued.</summary>
    public string? TokenHash { get; set; }

    public DateTimeOffset? ExpiresAt { get; set; }

    public required string State { get; set; }

    public string? AcceptedBy { get; set; }
}
