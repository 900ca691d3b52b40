using AaiProxy.Groups;

namespace AaiProxy.Server.Groups.Management;

/// <summary>A new team (under a facility or the community) or sub-group (under any other group).</summary>
public sealed record CreateGroup(string ParentId, string Name, string Description, GroupVisibility Visibility);

public sealed record UpdateGroup(string Description, GroupVisibility Visibility);

/// <summary>A person named by community id or by an exact e-mail address of a known account (exactly one is set).</summary>
public sealed record PersonReference(string? CommunityId, string? Email);

/// <summary><paramref name="Roles"/> besides <c>member</c>; the dates are for ordinary groups only (a proposal's team follows its sessions).</summary>
public sealed record AddMember(PersonReference Person, IReadOnlyList<string> Roles, DateTimeOffset? Start, DateTimeOffset? End);

/// <summary>A new end of a membership; <paramref name="End"/> null: open-ended.</summary>
public sealed record EndDate(DateTimeOffset? End);

/// <summary>What to change of a membership; a null field stays as it is.</summary>
public sealed record ChangeMembership(IReadOnlyList<string>? Roles, EndDate? End, bool? Suspended);

/// <summary>A proposal's title, sessions and team (by community id, with roles besides <c>member</c>).</summary>
public sealed record ProposalInput(string Title, IReadOnlyList<BeamtimeSession> Sessions, IReadOnlyList<TeamMemberInput> Team);

public sealed record TeamMemberInput(string CommunityId, IReadOnlyList<string> Roles);

/// <summary>A proposal as management shows it: the computed embargo end and its team group's id besides the proposal.</summary>
public sealed record ProposalView(Proposal Proposal, DateTimeOffset? EmbargoEnd, EmbargoState Embargo, string TeamGroupId);

/// <summary>
/// Exact e-mail, community id or username for any manager; <paramref name="Name"/> (part of a
/// username) for facility and platform admins only. Exactly one is set.
/// </summary>
public sealed record PersonQuery(string? Email, string? CommunityId, string? Name, string? Username = null);

/// <summary>One of the actor's own effective memberships with its group.</summary>
public sealed record MyMembership(Group Group, Versioned<Membership> Membership);
