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

    public List<UpstreamLinkEntity> Links { get; set; } = [];
}
