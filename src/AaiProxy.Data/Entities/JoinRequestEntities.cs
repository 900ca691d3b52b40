namespace AaiProxy.Data.Entities;

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
