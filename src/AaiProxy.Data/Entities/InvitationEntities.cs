namespace AaiProxy.Data.Entities;

/// <summary>An e-mailed invitation (<c>AaiProxy.Groups.Invitation</c>); the link's token is kept only as its hash.</summary>
public sealed class InvitationEntity
{
    public required string Id { get; set; }

    /// <summary>SHA-256 of the link's token, base64url (<c>InvitationTokens.Hash</c>); unique.</summary>
    public required string TokenHash { get; set; }

    public required string GroupId { get; set; }

    /// <summary>Set together with <see cref="ProposalId"/> for an invitation onto a proposal's team.</summary>
    public string? FacilityCode { get; set; }

    public string? ProposalId { get; set; }

    /// <summary>Lower-cased.</summary>
    public required string Email { get; set; }

    /// <summary>Roles besides <c>member</c>, comma-separated and sorted (<c>RoleSet</c>).</summary>
    public string Roles { get; set; } = "";

    public required string InvitedBy { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset ExpiresAt { get; set; }

    public required string State { get; set; }

    public string? AcceptedBy { get; set; }
}

/// <summary>A request to join a group (<c>AaiProxy.Groups.JoinRequest</c>); decided ones are kept.</summary>
public sealed class JoinRequestEntity
{
    public required string Id { get; set; }

    public required string GroupId { get; set; }

    public required string AccountId { get; set; }

    public string Message { get; set; } = "";

    public DateTimeOffset RequestedAt { get; set; }

    public required string State { get; set; }

    public string? DecidedBy { get; set; }

    public DateTimeOffset? DecidedAt { get; set; }
}

/// <summary>An expiry reminder sent for one membership end: a renewed membership (another end) is reminded again.</summary>
public sealed class ExpiryReminderEntity
{
    public required string GroupId { get; set; }

    public required string AccountId { get; set; }

    public DateTimeOffset MembershipEnd { get; set; }

    public DateTimeOffset SentAt { get; set; }
}
