using AaiProxy.Identity;

namespace AaiProxy.Data.Entities;

/// <summary>A person's community account. <see cref="Id"/> is the OIDC <c>sub</c>.</summary>
public sealed class CommunityAccountEntity
{
    public required string Id { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public AccountStatus Status { get; set; }

    /// <summary>Unique; chosen once at creation and never changed (<see cref="PreferredUsernames"/>).</summary>
    public required string PreferredUsername { get; set; }

    public string? DisplayName { get; set; }

    /// <summary>The ORCID iD as a URI, taken from a linked ORCID login.</summary>
    public string? Orcid { get; set; }

    /// <summary>Proxy sessions that started before this instant are no longer accepted ("sign out everywhere",
    /// suspension).</summary>
    public DateTimeOffset? SessionsValidAfter { get; set; }

    public List<UpstreamLinkEntity> Links { get; set; } = [];

    public List<AccountEmailEntity> Emails { get; set; } = [];

    public List<AupAcceptanceEntity> AupAcceptances { get; set; } = [];
}

/// <summary>An e-mail address of an account; <see cref="VerifiedAt"/> set once a mailed link was followed or an
/// identity provider whose scope covers the domain released it.</summary>
public sealed class AccountEmailEntity
{
    public long Id { get; set; }

    public required string AccountId { get; set; }

    public required string Address { get; set; }

    public DateTimeOffset AddedAt { get; set; }

    public DateTimeOffset? VerifiedAt { get; set; }

    /// <summary>How it was verified: <c>mail</c>, or the issuer that vouched for it.</summary>
    public string? VerifiedBy { get; set; }
}

/// <summary>One acceptance of one version of the acceptable use policy.</summary>
public sealed class AupAcceptanceEntity
{
    public long Id { get; set; }

    public required string AccountId { get; set; }

    public required string Version { get; set; }

    public DateTimeOffset AcceptedAt { get; set; }
}
