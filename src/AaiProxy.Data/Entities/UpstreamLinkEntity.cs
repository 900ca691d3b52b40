namespace AaiProxy.Data.Entities;

/// <summary>
/// One upstream identity (protocol, issuer, subject kind, subject) linked to a community account, with the upstream
/// attributes of its most recent login so that refresh-token use can recompute claims.
/// </summary>
public sealed class UpstreamLinkEntity
{
    public required string Id { get; set; }

    public required string Protocol { get; set; }

    public required string Issuer { get; set; }

    public required string Subject { get; set; }

    /// <summary>The kind of <see cref="Subject"/> (an <c>InternalAttributes</c> name): part of the link key.</summary>
    public required string SubjectSource { get; set; }

    public required string AccountId { get; set; }

    public CommunityAccountEntity? Account { get; set; }

    /// <summary>When the identity was first seen (linked).</summary>
    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>When the identity was last used to sign in.</summary>
    public DateTimeOffset LastSeenAt { get; set; }

    /// <summary>The upstream attributes of the last login, as a JSON object of string arrays.</summary>
    public required string LastAttributesJson { get; set; }

    public DateTimeOffset LastAuthenticatedAt { get; set; }

    public string? LastContextClass { get; set; }
}
