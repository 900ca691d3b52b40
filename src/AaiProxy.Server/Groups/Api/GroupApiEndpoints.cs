using AaiProxy.Groups.Management;
using System.Text.Json;
using System.Text.Json.Nodes;
using AaiProxy.Groups;
using AaiProxy.Server.Groups.Management;

namespace AaiProxy.Server.Groups.Api;

/// <summary><c>/api/v1</c>: groups, memberships, the caller's own groups and proposals, people.</summary>
internal static class GroupApiEndpoints
{
    public static RouteGroupBuilder MapGroupApi(this RouteGroupBuilder api)
    {
        api.MapGet("/groups", ListGroupsAsync).Scopes(ApiScopes.GroupsRead, ApiScopes.GroupsWrite)
            .WithSummary("The groups the caller manages (every group for a platform admin), by path; paged.");
        api.MapPost("/groups", CreateGroupAsync).Scopes(ApiScopes.GroupsWrite).WithSummary("Creates a team or sub-group under a group the caller manages.");
        api.MapGet("/groups/{id}", GetGroupAsync).Scopes(ApiScopes.GroupsRead, ApiScopes.GroupsWrite).WithSummary("A group, with its ETag.");
        api.MapPut("/groups/{id}", UpdateGroupAsync).Scopes(ApiScopes.GroupsWrite).WithSummary("Changes a group's description and visibility (If-Match required).");
        api.MapDelete("/groups/{id}", DeleteGroupAsync).Scopes(ApiScopes.GroupsWrite).WithSummary("Deletes a team or sub-group without sub-groups (If-Match required).");

        api.MapGet("/groups/{id}/members", ListMembersAsync).Scopes(ApiScopes.GroupsRead, ApiScopes.GroupsWrite).WithSummary("A group's memberships, any status, by community id; paged.");
        api.MapPost("/groups/{id}/members", AddMemberAsync).Scopes(ApiScopes.GroupsWrite)
            .WithSummary("Adds a person by community_id or the exact e-mail of a known account; in a proposal's group the person joins the proposal's team.");
        api.MapGet("/groups/{id}/members/{communityId}", GetMemberAsync).Scopes(ApiScopes.GroupsRead, ApiScopes.GroupsWrite).WithSummary("One membership, with its ETag.");
        api.MapPatch("/groups/{id}/members/{communityId}", ChangeMemberAsync).Scopes(ApiScopes.GroupsWrite)
            .Accepts<JsonObject>("application/merge-patch+json", "application/json")
            .WithSummary("Changes roles, end (null: open-ended) or suspended of a membership (If-Match required).");
        api.MapDelete("/groups/{id}/members/{communityId}", RemoveMemberAsync).Scopes(ApiScopes.GroupsWrite)
            .WithSummary("Ends a membership now; it is kept as expired (If-Match required).");

        api.MapGet("/me/groups", MyGroupsAsync).Scopes(ApiScopes.GroupsRead, ApiScopes.GroupsWrite).WithSummary("The calling person's effective memberships.");
        api.MapGet("/me/proposals", MyProposalsAsync).Scopes(ApiScopes.GroupsRead, ApiScopes.GroupsWrite).WithSummary("The proposals on whose teams the calling person is.");
        api.MapDelete("/me/groups/{id}", LeaveAsync).Scopes(ApiScopes.GroupsWrite).WithSummary("The calling person leaves a group.");

        api.MapGet("/people", FindPeopleAsync).Scopes(ApiScopes.GroupsRead, ApiScopes.GroupsWrite)
            .WithSummary("Finds people by exact email or community_id (managers), or by part of the username with name (facility and platform admins).");
        return api;
    }

    public static RouteHandlerBuilder Scopes(this RouteHandlerBuilder builder, params string[] scopes) =>
        builder.WithMetadata(new RequiredScopes(scopes));

    private static async Task<IResult> ListGroupsAsync(HttpContext http, GroupAdministration admin)
    {
        if (!ApiResults.TryPage(http, out var page, out var error))
            return error!;
        return ApiResults.From(await admin.ListGroupsAsync(ApiCaller.Actor(http), page, http.RequestAborted),
            groups => ApiResults.Paged(http, groups, g => WithVersion(ApiModels.Group(g.Value), g.Version)));
    }

    private static async Task<IResult> CreateGroupAsync(HttpContext http, GroupAdministration admin, GroupCreateBody body) =>
        ApiResults.From(await admin.CreateGroupAsync(ApiCaller.Actor(http),
                new CreateGroup(body.ParentId ?? "", body.Name ?? "", body.Description ?? "", body.Visibility ?? GroupVisibility.Members), http.RequestAborted),
            created => ApiResults.Versioned(created, ApiModels.Group, StatusCodes.Status201Created, $"{http.Request.PathBase}/api/v1/groups/{created.Value.Id}"));

    private static async Task<IResult> GetGroupAsync(HttpContext http, GroupAdministration admin, string id) =>
        ApiResults.From(await admin.GetGroupAsync(ApiCaller.Actor(http), id, http.RequestAborted), group => ApiResults.Versioned(group, ApiModels.Group));

    private static async Task<IResult> UpdateGroupAsync(HttpContext http, GroupAdministration admin, string id, GroupUpdateBody body)
    {
        if (!ApiResults.TryIfMatch(http, out var version, out var error))
            return error!;
        return ApiResults.From(await admin.UpdateGroupAsync(ApiCaller.Actor(http), id, new UpdateGroup(body.Description ?? "", body.Visibility), version, http.RequestAborted),
            group => ApiResults.Versioned(group, ApiModels.Group));
    }

    private static async Task<IResult> DeleteGroupAsync(HttpContext http, GroupAdministration admin, string id)
    {
        if (!ApiResults.TryIfMatch(http, out var version, out var error))
            return error!;
        return ApiResults.From(await admin.DeleteGroupAsync(ApiCaller.Actor(http), id, version, http.RequestAborted), ApiResults.Deleted);
    }

    private static async Task<IResult> ListMembersAsync(HttpContext http, GroupAdministration admin, string id)
    {
        if (!ApiResults.TryPage(http, out var page, out var error))
            return error!;
        return ApiResults.From(await admin.ListMembersAsync(ApiCaller.Actor(http), id, page, http.RequestAborted),
            members => ApiResults.Paged(http, members, m => WithVersion(ApiModels.Membership(m.Value), m.Version)));
    }

    private static async Task<IResult> AddMemberAsync(HttpContext http, GroupAdministration admin, string id, MemberAddBody body) =>
        ApiResults.From(await admin.AddMemberAsync(ApiCaller.Actor(http), id,
                new AddMember(new PersonReference(body.CommunityId, body.Email), body.Roles ?? [], body.Start, body.End), http.RequestAborted),
            added => ApiResults.Versioned(added, ApiModels.Membership, StatusCodes.Status201Created,
                $"{http.Request.PathBase}/api/v1/groups/{id}/members/{Uri.EscapeDataString(added.Value.AccountId)}"));

    private static async Task<IResult> GetMemberAsync(HttpContext http, GroupAdministration admin, string id, string communityId) =>
        ApiResults.From(await admin.GetMembershipAsync(ApiCaller.Actor(http), id, communityId, http.RequestAborted),
            membership => ApiResults.Versioned(membership, ApiModels.Membership));

    private static async Task<IResult> ChangeMemberAsync(HttpContext http, GroupAdministration admin, string id, string communityId)
    {
        if (!ApiResults.TryIfMatch(http, out var version, out var error))
            return error!;
        if (await ReadChangeAsync(http) is not { } change)
            return ApiResults.Problem(StatusCodes.Status400BadRequest, "invalid_request",
                "The body is a JSON object with any of roles (array of role names), end (RFC 3339 or null) and suspended (true or false).");
        return ApiResults.From(await admin.ChangeMembershipAsync(ApiCaller.Actor(http), id, communityId, change, version, http.RequestAborted),
            membership => ApiResults.Versioned(membership, ApiModels.Membership));
    }

    /// <summary>A merge patch (RFC 7396): a member present with null means "clear" (end: open-ended), an absent one "keep".</summary>
    private static async Task<ChangeMembership?> ReadChangeAsync(HttpContext http)
    {
        try
        {
            if (await JsonNode.ParseAsync(http.Request.Body, cancellationToken: http.RequestAborted) is not JsonObject body)
                return null;
            var roles = body.TryGetPropertyValue("roles", out var rolesNode) ? rolesNode?.AsArray().Select(role => role!.GetValue<string>()).ToList() : null;
            var end = body.TryGetPropertyValue("end", out var endNode) ? new EndDate(endNode?.GetValue<DateTimeOffset>()) : null;
            var suspended = body.TryGetPropertyValue("suspended", out var suspendedNode) ? suspendedNode?.GetValue<bool>() : null;
            return new ChangeMembership(roles, end, suspended);
        }
        catch (Exception exception) when (exception is JsonException or InvalidOperationException or FormatException)
        {
            return null;
        }
    }

    private static async Task<IResult> RemoveMemberAsync(HttpContext http, GroupAdministration admin, string id, string communityId)
    {
        if (!ApiResults.TryIfMatch(http, out var version, out var error))
            return error!;
        return ApiResults.From(await admin.RemoveMemberAsync(ApiCaller.Actor(http), id, communityId, version, http.RequestAborted),
            membership => ApiResults.Versioned(membership, ApiModels.Membership));
    }

    private static async Task<IResult> MyGroupsAsync(HttpContext http, GroupAdministration admin) =>
        Results.Json(new { items = (await admin.MyGroupsAsync(ApiCaller.Actor(http), http.RequestAborted)).Select(ApiModels.MyMembership).ToList() });

    private static async Task<IResult> MyProposalsAsync(HttpContext http, GroupAdministration admin) =>
        Results.Json(new { items = (await admin.MyProposalsAsync(ApiCaller.Actor(http), http.RequestAborted)).Select(ApiModels.Proposal).ToList() });

    private static async Task<IResult> LeaveAsync(HttpContext http, GroupAdministration admin, string id) =>
        ApiResults.From(await admin.LeaveAsync(ApiCaller.Actor(http), id, http.RequestAborted), membership => ApiResults.Versioned(membership, ApiModels.Membership));

    private static async Task<IResult> FindPeopleAsync(HttpContext http, GroupAdministration admin, string? email, string? community_id, string? name) =>
        ApiResults.From(await admin.FindPeopleAsync(ApiCaller.Actor(http), new PersonQuery(email, community_id, name), http.RequestAborted),
            people => Results.Json(new { items = people.Select(ApiModels.Person).ToList() }));

    /// <summary>A listed object carries its ETag value in <c>etag</c>.</summary>
    public static object WithVersion(object body, string version)
    {
        var json = JsonSerializer.SerializeToNode(body)!.AsObject();
        json["etag"] = ApiResults.ETag(version);
        return json;
    }
}
