using System.Text.Json.Serialization;
using AaiProxy.Groups;
using AaiProxy.Groups.Management;
using AaiProxy.Server.Groups.Management;

namespace AaiProxy.Server.Groups.Api;

// Request bodies. Names are snake_case as in the import format and the tokens' claims.

public sealed record GroupCreateBody(
    [property: JsonPropertyName("parent_id")] string ParentId,
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("description")] string? Description,
    [property: JsonPropertyName("visibility"), JsonConverter(typeof(JsonStringEnumConverter<GroupVisibility>))] GroupVisibility? Visibility);

public sealed record GroupUpdateBody(
    [property: JsonPropertyName("description")] string? Description,
    [property: JsonPropertyName("visibility"), JsonConverter(typeof(JsonStringEnumConverter<GroupVisibility>))] GroupVisibility Visibility);

public sealed record MemberAddBody(
    [property: JsonPropertyName("community_id")] string? CommunityId,
    [property: JsonPropertyName("email")] string? Email,
    [property: JsonPropertyName("roles")] List<string>? Roles,
    [property: JsonPropertyName("start")] DateTimeOffset? Start,
    [property: JsonPropertyName("end")] DateTimeOffset? End);

public sealed record SessionBody(
    [property: JsonPropertyName("instrument")] string Instrument,
    [property: JsonPropertyName("start")] DateTimeOffset Start,
    [property: JsonPropertyName("end")] DateTimeOffset End);

public sealed record TeamMemberBody(
    [property: JsonPropertyName("community_id")] string CommunityId,
    [property: JsonPropertyName("roles")] List<string>? Roles);

public sealed record ProposalBody(
    [property: JsonPropertyName("id")] string? Id,
    [property: JsonPropertyName("title")] string Title,
    [property: JsonPropertyName("sessions")] List<SessionBody>? Sessions,
    [property: JsonPropertyName("team")] List<TeamMemberBody>? Team,
    [property: JsonPropertyName("embargo_end")] DateTimeOffset? EmbargoEnd)
{
    public ProposalInput ToInput() => new(Title ?? "",
        [.. (Sessions ?? []).Select(s => new BeamtimeSession(s.Instrument ?? "", s.Start, s.End))],
        [.. (Team ?? []).Select(m => new TeamMemberInput(m.CommunityId ?? "", m.Roles ?? []))]);
}

public sealed record EmbargoBody([property: JsonPropertyName("end")] DateTimeOffset End);

public sealed record FacilityUserIdBody([property: JsonPropertyName("community_id")] string CommunityId);

/// <summary>Response bodies: the one place the API's JSON shape of each object is decided.</summary>
internal static class ApiModels
{
    public static object Group(Group group) => new
    {
        id = group.Id,
        parent_id = group.ParentId,
        path = group.Path.ToString(),
        kind = group.Kind.ToString().ToLowerInvariant(),
        description = group.Description,
        visibility = group.Visibility.ToString().ToLowerInvariant(),
    };

    public static object Membership(Membership membership) => new
    {
        group_id = membership.GroupId,
        community_id = membership.AccountId,
        roles = membership.Roles.WithMember().ToList(),
        start = membership.Start,
        end = membership.End,
        status = membership.Status.ToString().ToLowerInvariant(),
    };

    public static object MyMembership(MyMembership mine) => new
    {
        group = Group(mine.Group),
        membership = Membership(mine.Membership.Value),
    };

    public static object Proposal(ProposalView view) => new
    {
        facility = view.Proposal.FacilityCode,
        id = view.Proposal.Id,
        title = view.Proposal.Title,
        sessions = view.Proposal.Sessions.Select(s => new { instrument = s.Instrument, start = s.Start, end = s.End }).ToList(),
        team = view.Proposal.Team.Select(m => new { community_id = m.AccountId, roles = m.Roles.WithMember().ToList() }).ToList(),
        embargo_end = view.EmbargoEnd,
        embargo = view.Embargo == EmbargoState.Open ? "open" : "under_embargo",
        embargo_override = view.Proposal.Embargo is { } e ? new { end = e.End, shortened = e.Shortened } : null,
        team_group_id = view.TeamGroupId,
    };

    public static object FacilityUserId(FacilityUserId id) => new { facility = id.FacilityCode, user_id = id.UserId, community_id = id.AccountId };

    public static object Person(PersonSummary person) => new { community_id = person.AccountId, username = person.Username, emails = person.Emails };

    public static object Audit(AuditRecord record) => new
    {
        id = record.Id,
        occurred_at = record.OccurredAt,
        actor = record.Actor,
        action = record.Action,
        target = record.Target,
        details = System.Text.Json.JsonDocument.Parse(record.Details).RootElement,
    };
}
