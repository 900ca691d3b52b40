using System.Text.RegularExpressions;

namespace AaiProxy.Groups;

public enum GroupKind { Community, Facility, Proposal, Team, Subgroup }

/// <summary>Who may see that the group exists (its members always may).</summary>
public enum GroupVisibility { Public, Community, Members }

/// <summary>
/// A group in the hierarchy. Managers are not listed here: they are the memberships holding
/// <see cref="GroupRoles.Manager"/> (one fact in one place; see <see cref="GroupAuthority"/>).
/// </summary>
/// <param name="Id">Opaque, assigned by the store; never reused.</param>
/// <param name="ParentId">The parent group's id; null only for a community root.</param>
public sealed record Group(
    string Id, string? ParentId, GroupPath Path, GroupKind Kind, string Description, GroupVisibility Visibility);

public enum MembershipStatus { Pending, Active, Suspended, Expired }

/// <summary>
/// One account in one group. Only an <see cref="MembershipStatus.Active"/> membership inside its
/// [<paramref name="Start"/>, <paramref name="End"/>) window counts (<see cref="MembershipLifecycle"/>).
/// </summary>
/// <param name="Roles">Roles besides <c>member</c>, which every membership holds.</param>
/// <param name="Start">Inclusive; null = from the beginning.</param>
/// <param name="End">Exclusive; null = open-ended.</param>
public sealed record Membership(
    string GroupId, string AccountId, RoleSet Roles, DateTimeOffset? Start, DateTimeOffset? End, MembershipStatus Status);

/// <summary>
/// A facility: its place in the group hierarchy and its proposal rules.
/// </summary>
/// <param name="Code">Short lower-case code (<c>ess</c>, <c>maxiv</c>), the key in imports and client allow-lists.</param>
/// <param name="Path">The facility's group; proposal team groups are its children, named by proposal id, and its entitlements begin with it.</param>
/// <param name="EmbargoMonths">Default embargo: this many calendar months after the last beamtime session ends.</param>
/// <param name="AccessLeadTime">How long before the first session the team's access starts.</param>
/// <param name="ProposalIdFormat">The facility's proposal ids, matched whole (e.g. <c>^\d{8}$</c>, <c>^\d-\d{2}-\d{3}$</c>, <c>^MX-\d{4}$</c>).</param>
public sealed record Facility(
    string Code, GroupPath Path, int EmbargoMonths, TimeSpan AccessLeadTime, Regex ProposalIdFormat)
{
    public bool IsValidProposalId(string proposalId) =>
        ProposalIdFormat.Match(proposalId) is { Success: true } match && match.Length == proposalId.Length;

    /// <summary>The group that mirrors a proposal's team (kept in step by <see cref="ProposalTeamPlanner"/>).</summary>
    public GroupPath TeamGroupPath(string proposalId) => Path.Child(proposalId);
}

/// <summary>A person's user number at one facility (imported), released as a configured claim where a service needs it.</summary>
public sealed record FacilityUserId(string AccountId, string FacilityCode, string UserId);

/// <summary>One scheduled beamtime session. <paramref name="End"/> is after <paramref name="Start"/>.</summary>
public sealed record BeamtimeSession(string Instrument, DateTimeOffset Start, DateTimeOffset End);

/// <summary>A person on a proposal's team with the roles they hold there.</summary>
public sealed record TeamMember(string AccountId, RoleSet Roles);

/// <summary>
/// A deliberate change of a proposal's embargo end. <paramref name="Shortened"/> is true only when a
/// facility admin chose an end earlier than the default (<see cref="ProposalEmbargo.Change"/>); an
/// extension never hides a later default.
/// </summary>
public sealed record EmbargoOverride(DateTimeOffset End, bool Shortened);

/// <summary>
/// An experiment proposal at a facility. Its team is the only source of its team group's
/// memberships; the embargo end is computed (<see cref="ProposalEmbargo"/>), never stored twice.
/// </summary>
/// <param name="Team">Sorted by account id (<see cref="Create"/> does it), so equal teams compare equal.</param>
/// <param name="Sessions">Sorted by start, then instrument.</param>
public sealed record Proposal(
    string FacilityCode,
    string Id,
    string Title,
    EquatableArray<TeamMember> Team,
    EquatableArray<BeamtimeSession> Sessions,
    EmbargoOverride? Embargo)
{
    /// <summary>Builds a proposal in canonical form: team members merged by account and sorted, sessions sorted.</summary>
    public static Proposal Create(
        string facilityCode, string id, string title, IEnumerable<TeamMember> team,
        IEnumerable<BeamtimeSession> sessions, EmbargoOverride? embargo = null) =>
        new(facilityCode, id, title,
            new EquatableArray<TeamMember>(team
                .GroupBy(member => member.AccountId, StringComparer.Ordinal)
                .Select(same => new TeamMember(same.Key, same.Select(m => m.Roles).Aggregate(RoleSet.None, (a, b) => a.Union(b))))
                .OrderBy(member => member.AccountId, StringComparer.Ordinal)),
            new EquatableArray<BeamtimeSession>(sessions
                .OrderBy(session => session.Start).ThenBy(session => session.Instrument, StringComparer.Ordinal)),
            embargo);

    public ProposalKey Key => new(FacilityCode, Id);

    /// <summary>The principal investigator: the team member holding <see cref="GroupRoles.PrincipalInvestigator"/> (null while invited but not yet joined).</summary>
    public string? PrincipalInvestigator =>
        Team.FirstOrDefault(member => member.Roles.Contains(GroupRoles.PrincipalInvestigator))?.AccountId;
}

/// <summary>A proposal's identity: proposal ids are unique per facility only.</summary>
public readonly record struct ProposalKey(string FacilityCode, string ProposalId)
{
    public override string ToString() => $"{FacilityCode}/{ProposalId}";
}
