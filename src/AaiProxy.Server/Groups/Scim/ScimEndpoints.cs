using System.Text.Json.Nodes;
using AaiProxy.Groups;
using AaiProxy.Groups.Management;
using AaiProxy.Groups.Scim;
using AaiProxy.Server.Groups.Api;
using AaiProxy.Server.Groups.Management;
using AaiProxy.Server.Web;

namespace AaiProxy.Server.Groups.Scim;

/// <summary>
/// SCIM 2.0 (RFC 7643/7644) over the management service: <c>/scim/v2/Users</c> (read; filter
/// <c>userName</c>, <c>emails.value</c>, <c>id</c>), <c>/scim/v2/Groups</c> (read, filter
/// <c>displayName</c> — the group path —, create, PATCH of <c>members</c>, delete), the discovery
/// resources. Bearer tokens as the REST API with the <c>scim</c> scope; errors as RFC 7644 §3.12.
/// </summary>
public static class ScimEndpoints
{
    public const string Prefix = "/scim/v2";
    public const string MediaType = "application/scim+json";
    private const string UserSchema = "urn:ietf:params:scim:schemas:core:2.0:User";
    private const string GroupSchema = "urn:ietf:params:scim:schemas:core:2.0:Group";
    private const string ListSchema = "urn:ietf:params:scim:api:messages:2.0:ListResponse";
    private const int MaxResults = 200;
    private static readonly string[] UserFilters = ["userName", "emails.value", "id"];
    private static readonly string[] GroupFilters = ["displayName", "id"];

    /// <summary><c>/scim/v2</c>, rate-limited in the API's bucket.</summary>
    public static IEndpointRouteBuilder MapProxyScim(this IEndpointRouteBuilder endpoints)
    {
        var scim = endpoints.MapGroup(Prefix)
            .AddEndpointFilter<ApiCaller>()
            .WithMetadata(new RequiredScopes([ApiScopes.Scim]), ScimErrorWriter.Instance)
            .DisableAntiforgery()
            .WithRateLimitedEndpoint(RateLimitedEndpoints.Api)
            .ExcludeFromDescription();
        scim.MapGet("/ServiceProviderConfig", () => Scim(ServiceProviderConfig()));
        scim.MapGet("/ResourceTypes", () => Scim(List([ResourceType("User", "/Users", UserSchema), ResourceType("Group", "/Groups", GroupSchema)])));
        scim.MapGet("/Schemas", () => Scim(List([SchemaOf(UserSchema, "User", "userName", "emails"), SchemaOf(GroupSchema, "Group", "displayName", "members")])));
        scim.MapGet("/Users", ListUsersAsync);
        scim.MapGet("/Users/{id}", GetUserAsync);
        scim.MapPost("/Users", CreateUserAsync);
        scim.MapGet("/Groups", ListGroupsAsync);
        scim.MapGet("/Groups/{id}", GetGroupAsync);
        scim.MapPost("/Groups", CreateGroupAsync);
        scim.MapPatch("/Groups/{id}", PatchGroupAsync);
        scim.MapDelete("/Groups/{id}", DeleteGroupAsync);
        return endpoints;
    }

    // ---- Users ----

    private static async Task<IResult> ListUsersAsync(HttpContext http, GroupAdministration admin, string? filter)
    {
        var actor = ApiCaller.Actor(http);
        if (filter is null)
            return Error(new ScimError(403, null, "List users with a filter: userName, emails.value or id eq a value."));
        var parsed = ScimFilterParser.Parse(filter, UserFilters);
        if (parsed.Error is { } invalid)
            return Error(invalid);
        var comparison = parsed.Value!.Comparisons[0];
        var query = comparison.Path.Is("userName") ? new PersonQuery(null, null, null, comparison.Value ?? "")
            : comparison.Path.Is("id") ? new PersonQuery(null, comparison.Value ?? "", null)
            : new PersonQuery(comparison.Value ?? "", null, null);
        var found = await admin.FindPeopleAsync(actor, query, http.RequestAborted);
        if (found is not Outcome<IReadOnlyList<PersonSummary>>.Ok { Value: var people })
            return Error(((Outcome<IReadOnlyList<PersonSummary>>.Failed)found).Failure);
        // Every further comparison (joined by "and") narrows the result.
        var matching = people.Where(person => parsed.Value.Comparisons.All(c => Matches(person, c))).ToList();
        return Scim(List([.. matching.Select(person => User(http, person))]));
    }

    private static bool Matches(PersonSummary person, ScimComparison comparison) =>
        comparison.Path.Is("userName") ? string.Equals(person.Username, comparison.Value, StringComparison.OrdinalIgnoreCase)
        : comparison.Path.Is("id") ? person.AccountId == comparison.Value
        : person.Emails.Contains(comparison.Value ?? "", StringComparer.OrdinalIgnoreCase);

    private static async Task<IResult> GetUserAsync(HttpContext http, GroupAdministration admin, string id) =>
        await admin.FindPeopleAsync(ApiCaller.Actor(http), new PersonQuery(null, id, null), http.RequestAborted) switch
        {
            Outcome<IReadOnlyList<PersonSummary>>.Ok { Value: [var person] } => Scim(User(http, person)),
            Outcome<IReadOnlyList<PersonSummary>>.Failed failed => Error(failed.Failure),
            _ => Error(new ScimError(404, null, $"No user has the id '{id}'.")),
        };

    /// <summary>
    /// Accounts come into being at a person's first sign-in (linked to the identity they used), so
    /// provisioning cannot create one: a userName or e-mail already known is <c>uniqueness</c>
    /// (RFC 7644 §3.3), anything else is refused with an invitation as the way in.
    /// </summary>
    private static async Task<IResult> CreateUserAsync(HttpContext http, GroupAdministration admin)
    {
        var body = await ReadAsync(http);
        if (body is null || body["userName"]?.GetValueKind() != System.Text.Json.JsonValueKind.String)
            return Error(ScimError.BadRequest(ScimErrorTypes.InvalidValue, "A User has a userName (RFC 7643 §4.1.1)."));
        var userName = body["userName"]!.GetValue<string>();
        var found = await admin.FindPeopleAsync(ApiCaller.Actor(http), new PersonQuery(null, null, null, userName), http.RequestAborted);
        return found switch
        {
            Outcome<IReadOnlyList<PersonSummary>>.Failed failed => Error(failed.Failure),
            Outcome<IReadOnlyList<PersonSummary>>.Ok { Value.Count: > 0 } => Error(new ScimError(409, "uniqueness", $"A user with userName '{userName}' exists.")),
            _ => Error(new ScimError(501, null,
                "Accounts are created when a person first signs in through their own identity provider; add people by e-mail invitation instead.")),
        };
    }

    // ---- Groups ----

    private static async Task<IResult> ListGroupsAsync(HttpContext http, GroupAdministration admin, string? filter)
    {
        var actor = ApiCaller.Actor(http);
        if (filter is not null)
        {
            var parsed = ScimFilterParser.Parse(filter, GroupFilters);
            if (parsed.Error is { } invalid)
                return Error(invalid);
            var groups = new List<JsonObject>();
            foreach (var comparison in parsed.Value!.Comparisons.Take(1))
            {
                var id = comparison.Path.Is("id") ? comparison.Value : await admin.GroupIdByPathAsync(comparison.Value ?? "", http.RequestAborted);
                if (id is not null && await admin.GetGroupAsync(actor, id, http.RequestAborted) is Outcome<Versioned<Group>>.Ok { Value: var group }
                    && parsed.Value.Comparisons.All(c => c.Path.Is("id") ? c.Value == group.Value.Id : c.Value == group.Value.Path.ToString()))
                    groups.Add(await GroupAsync(http, admin, group));
            }
            return Scim(List([.. groups]));
        }
        var page = await admin.ListGroupsAsync(actor, PageRequest.First(MaxResults), http.RequestAborted);
        if (page is not Outcome<Page<Versioned<Group>>>.Ok { Value: var listed })
            return Error(((Outcome<Page<Versioned<Group>>>.Failed)page).Failure);
        var resources = new List<JsonObject>();
        foreach (var group in listed.Items)
            resources.Add(await GroupAsync(http, admin, group));
        return Scim(List(resources));
    }

    private static async Task<IResult> GetGroupAsync(HttpContext http, GroupAdministration admin, string id) =>
        await admin.GetGroupAsync(ApiCaller.Actor(http), id, http.RequestAborted) switch
        {
            Outcome<Versioned<Group>>.Ok { Value: var group } => Scim(await GroupAsync(http, admin, group)),
            Outcome<Versioned<Group>>.Failed failed => Error(failed.Failure),
            _ => throw new InvalidOperationException(),
        };

    /// <summary>A Group's <c>displayName</c> is its path: the parent must exist and be managed by the caller.</summary>
    private static async Task<IResult> CreateGroupAsync(HttpContext http, GroupAdministration admin)
    {
        var body = await ReadAsync(http);
        if (body?["displayName"]?.GetValueKind() != System.Text.Json.JsonValueKind.String)
            return Error(ScimError.BadRequest(ScimErrorTypes.InvalidValue, "A Group has a displayName: its path, e.g. /pan/demo/my-team."));
        GroupPath path;
        try
        {
            path = GroupPath.Parse(body!["displayName"]!.GetValue<string>());
        }
        catch (Exception exception) when (exception is FormatException or ArgumentException)
        {
            return Error(ScimError.BadRequest(ScimErrorTypes.InvalidValue, "displayName is a group path such as /pan/demo/my-team."));
        }
        if (path.Segments.Count < 2 || await admin.GroupIdByPathAsync(new GroupPath(path.Segments.Take(path.Segments.Count - 1)).ToString(), http.RequestAborted) is not { } parentId)
            return Error(ScimError.BadRequest(ScimErrorTypes.InvalidValue, "displayName names no existing parent group."));
        var actor = ApiCaller.Actor(http);
        var created = await admin.CreateGroupAsync(actor, new CreateGroup(parentId, path.Segments[^1], "", GroupVisibility.Members), http.RequestAborted);
        if (created is not Outcome<Versioned<Group>>.Ok { Value: var group })
            return Error(((Outcome<Versioned<Group>>.Failed)created).Failure);
        foreach (var member in body["members"]?.AsArray() ?? [])
            if (member?["value"]?.GetValue<string>() is { } accountId
                && await admin.AddMemberAsync(actor, group.Value.Id, new AddMember(new PersonReference(accountId, null), [], null, null), http.RequestAborted)
                    is Outcome<Versioned<Membership>>.Failed failed)
                return Error(failed.Failure);
        http.Response.Headers.Location = $"{http.Request.PathBase}{Prefix}/Groups/{group.Value.Id}";
        return Scim(await GroupAsync(http, admin, group), StatusCodes.Status201Created);
    }

    /// <summary>RFC 7644 §3.5.2: the operations give the new member set; the difference is added and removed through the service.</summary>
    private static async Task<IResult> PatchGroupAsync(HttpContext http, GroupAdministration admin, string id)
    {
        using var buffer = new MemoryStream();
        await http.Request.Body.CopyToAsync(buffer, http.RequestAborted);
        var patch = ScimGroupPatchParser.Parse(buffer.ToArray());
        if (patch.Error is { } invalid)
            return Error(invalid);
        var actor = ApiCaller.Actor(http);
        var members = await admin.EffectiveMembersAsync(actor, id, http.RequestAborted);
        if (members is not Outcome<IReadOnlyList<string>>.Ok { Value: var current })
            return Error(((Outcome<IReadOnlyList<string>>.Failed)members).Failure);
        var wanted = patch.Value!.ApplyTo(current);
        foreach (var added in wanted.Except(current).Order(StringComparer.Ordinal))
            if (await admin.AddMemberAsync(actor, id, new AddMember(new PersonReference(added, null), [], null, null), http.RequestAborted) is Outcome<Versioned<Membership>>.Failed failed)
                return Error(failed.Failure);
        foreach (var removed in current.Except(wanted).Order(StringComparer.Ordinal))
            if (await admin.RemoveMemberAsync(actor, id, removed, null, http.RequestAborted) is Outcome<Versioned<Membership>>.Failed failed)
                return Error(failed.Failure);
        return await GetGroupAsync(http, admin, id);
    }

    private static async Task<IResult> DeleteGroupAsync(HttpContext http, GroupAdministration admin, string id) =>
        await admin.DeleteGroupAsync(ApiCaller.Actor(http), id, null, http.RequestAborted) is Outcome<Deleted>.Failed failed
            ? Error(failed.Failure)
            : Results.NoContent();

    // ---- Representations ----

    private static JsonObject User(HttpContext http, PersonSummary person) => new()
    {
        ["schemas"] = new JsonArray(UserSchema),
        ["id"] = person.AccountId,
        ["userName"] = person.Username,
        ["emails"] = new JsonArray([.. person.Emails.Select(email => (JsonNode)new JsonObject { ["value"] = email })]),
        ["active"] = true,
        ["meta"] = new JsonObject { ["resourceType"] = "User", ["location"] = $"{Origin(http)}{Prefix}/Users/{person.AccountId}" },
    };

    private static async Task<JsonObject> GroupAsync(HttpContext http, GroupAdministration admin, Versioned<Group> group)
    {
        var members = await admin.EffectiveMembersAsync(ApiCaller.Actor(http), group.Value.Id, http.RequestAborted) is Outcome<IReadOnlyList<string>>.Ok { Value: var ids } ? ids : [];
        return new JsonObject
        {
            ["schemas"] = new JsonArray(GroupSchema),
            ["id"] = group.Value.Id,
            ["displayName"] = group.Value.Path.ToString(),
            ["members"] = new JsonArray([.. members.Select(id => (JsonNode)new JsonObject { ["value"] = id, ["$ref"] = $"{Origin(http)}{Prefix}/Users/{id}", ["type"] = "User" })]),
            ["meta"] = new JsonObject
            {
                ["resourceType"] = "Group",
                ["location"] = $"{Origin(http)}{Prefix}/Groups/{group.Value.Id}",
                ["version"] = $"W/{ApiResults.ETag(group.Version)}",
            },
        };
    }

    private static JsonObject List(IReadOnlyList<JsonObject> resources) => new()
    {
        ["schemas"] = new JsonArray(ListSchema),
        ["totalResults"] = resources.Count,
        ["startIndex"] = 1,
        ["itemsPerPage"] = resources.Count,
        ["Resources"] = new JsonArray([.. resources]),
    };

    private static JsonObject ServiceProviderConfig() => new()
    {
        ["schemas"] = new JsonArray("urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig"),
        ["documentationUri"] = "https://github.com/aaiproxy/aaiproxy/blob/main/docs/api.md",
        ["patch"] = new JsonObject { ["supported"] = true },
        ["bulk"] = new JsonObject { ["supported"] = false, ["maxOperations"] = 0, ["maxPayloadSize"] = 0 },
        ["filter"] = new JsonObject { ["supported"] = true, ["maxResults"] = MaxResults },
        ["changePassword"] = new JsonObject { ["supported"] = false },
        ["sort"] = new JsonObject { ["supported"] = false },
        ["etag"] = new JsonObject { ["supported"] = false },
        ["authenticationSchemes"] = new JsonArray(new JsonObject
        {
            ["type"] = "oauthbearertoken",
            ["name"] = "OAuth Bearer Token",
            ["description"] = "An access token of this proxy for the API resource with the scim scope.",
            ["primary"] = true,
        }),
    };

    private static JsonObject ResourceType(string name, string endpoint, string schema) => new()
    {
        ["schemas"] = new JsonArray("urn:ietf:params:scim:schemas:core:2.0:ResourceType"),
        ["id"] = name,
        ["name"] = name,
        ["endpoint"] = endpoint,
        ["schema"] = schema,
    };

    private static JsonObject SchemaOf(string id, string name, params string[] attributes) => new()
    {
        ["schemas"] = new JsonArray("urn:ietf:params:scim:schemas:core:2.0:Schema"),
        ["id"] = id,
        ["name"] = name,
        ["attributes"] = new JsonArray([.. attributes.Select(attribute => (JsonNode)new JsonObject { ["name"] = attribute })]),
    };

    private static string Origin(HttpContext http) => $"{http.Request.Scheme}://{http.Request.Host}{http.Request.PathBase}";

    private static async Task<JsonObject?> ReadAsync(HttpContext http)
    {
        try
        {
            return await JsonNode.ParseAsync(http.Request.Body, cancellationToken: http.RequestAborted) as JsonObject;
        }
        catch (System.Text.Json.JsonException)
        {
            return null;
        }
    }

    private static IResult Scim(JsonObject body, int status = StatusCodes.Status200OK) =>
        Results.Text(body.ToJsonString(), MediaType, System.Text.Encoding.UTF8, status);

    private static IResult Error(ScimError error) => Scim(error.ToJson(), error.Status);

    /// <summary>A management failure as an RFC 7644 §3.12 error (412 stays a precondition failure; a state conflict is 409).</summary>
    private static IResult Error(Failure failure) => Error(failure switch
    {
        Failure.NotFound => new ScimError(404, null, failure.Detail),
        Failure.Forbidden => new ScimError(403, null, failure.Detail),
        Failure.Conflict { PreconditionFailed: true } => new ScimError(412, null, failure.Detail),
        Failure.Conflict => new ScimError(409, "uniqueness", failure.Detail),
        _ => ScimError.BadRequest(ScimErrorTypes.InvalidValue, failure.Detail),
    });

    /// <summary>Authentication errors of the SCIM endpoints in the §3.12 shape.</summary>
    private sealed class ScimErrorWriter : IApiErrorWriter
    {
        public static ScimErrorWriter Instance { get; } = new();

        public IResult Error(int status, string code, string detail) => ScimEndpoints.Error(new ScimError(status, null, detail));
    }
}
