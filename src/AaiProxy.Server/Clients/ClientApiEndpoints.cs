using System.Text.Json;
using System.Text.Json.Nodes;
using AaiProxy.Groups.Management;
using AaiProxy.Server.Groups.Api;
using AaiProxy.Server.Groups.Management;

namespace AaiProxy.Server.Clients;

/// <summary><c>/api/v1/clients</c>: the registrations of OIDC clients (service onboarding), through <see cref="ClientAdministration"/>.</summary>
internal static class ClientApiEndpoints
{
    public static RouteGroupBuilder MapClientApi(this RouteGroupBuilder api)
    {
        api.MapGet("/clients", ListAsync).Scopes(ApiScopes.ClientsRead, ApiScopes.ClientsWrite)
            .WithSummary("The clients the caller manages (a platform admin: every client; those declared in configuration with managed_by 'configuration' and read_only).");
        api.MapPost("/clients", CreateAsync).Scopes(ApiScopes.ClientsWrite)
            .WithSummary("Registers a client of a facility the caller administers; a confidential client's client_secret is in this response only.");
        api.MapGet("/clients/{clientId}", GetAsync).Scopes(ApiScopes.ClientsRead, ApiScopes.ClientsWrite).WithSummary("A client's registration, with its ETag.");
        api.MapPatch("/clients/{clientId}", PatchAsync).Scopes(ApiScopes.ClientsWrite)
            .WithSummary("Changes a managed client by JSON merge patch (RFC 7396; If-Match required); client_id, client_type and facility stay.");
        api.MapPost("/clients/{clientId}/rotate-secret", RotateSecretAsync).Scopes(ApiScopes.ClientsWrite)
            .WithSummary("Gives a confidential managed client a new secret, in this response only; the old one stops working at once.");
        return api;
    }

    private static async Task<IResult> ListAsync(HttpContext http, ClientAdministration clients) =>
        From(await clients.ListAsync(ApiCaller.Actor(http), http.RequestAborted),
            views => Results.Json(new { items = views.Select(view => GroupApiEndpoints.WithVersion(Body(view), view.Version)).ToList() }));

    private static async Task<IResult> GetAsync(HttpContext http, ClientAdministration clients, string clientId) =>
        From(await clients.GetAsync(ApiCaller.Actor(http), clientId, http.RequestAborted), Versioned);

    private static async Task<IResult> CreateAsync(HttpContext http, ClientAdministration clients, ClientInput body) =>
        From(await clients.CreateAsync(ApiCaller.Actor(http), body, http.RequestAborted),
            issued => ApiResults.Versioned(new Versioned<IssuedClient>(issued, issued.Client.Version), Body, StatusCodes.Status201Created,
                $"{http.Request.PathBase}/api/v1/clients/{Uri.EscapeDataString(issued.Client.ClientId)}"));

    private static async Task<IResult> PatchAsync(HttpContext http, ClientAdministration clients, string clientId)
    {
        if (!ApiResults.TryIfMatch(http, out var version, out var error))
            return error!;
        var actor = ApiCaller.Actor(http);
        var read = await clients.GetAsync(actor, clientId, http.RequestAborted);
        if (read is not Outcome<ClientView>.Ok { Value: var current })
            return From(read, Versioned);
        if (await MergeAsync(http, current.Registration) is not { } changed)
            return ApiResults.Problem(StatusCodes.Status400BadRequest, "invalid_request",
                "The body is a JSON merge patch (RFC 7396) of the client's registration: an object whose members replace the registration's, null removing one.");
        return From(await clients.UpdateAsync(actor, clientId, changed, version, http.RequestAborted), Versioned);
    }

    private static async Task<IResult> RotateSecretAsync(HttpContext http, ClientAdministration clients, string clientId) =>
        From(await clients.RotateSecretAsync(ApiCaller.Actor(http), clientId, http.RequestAborted),
            issued => Results.Json(new { client_id = issued.Client.ClientId, client_secret = issued.ClientSecret }));

    /// <summary>RFC 7396 applied to the registration as JSON.</summary>
    private static async Task<ClientInput?> MergeAsync(HttpContext http, ClientInput current)
    {
        try
        {
            if (await JsonNode.ParseAsync(http.Request.Body, cancellationToken: http.RequestAborted) is not JsonObject patch)
                return null;
            var target = JsonSerializer.SerializeToNode(current)!.AsObject();
            Merge(target, patch);
            return target.Deserialize<ClientInput>();
        }
        catch (Exception exception) when (exception is JsonException or InvalidOperationException or FormatException)
        {
            return null;
        }
    }

    private static void Merge(JsonObject target, JsonObject patch)
    {
        foreach (var (name, value) in patch.ToList())
        {
            if (value is null)
                target.Remove(name);
            else if (value is JsonObject inner && target[name] is JsonObject existing)
                Merge(existing, inner);
            else
                target[name] = value.DeepClone();
        }
    }

    private static IResult Versioned(ClientView view) => ApiResults.Versioned(new Versioned<ClientView>(view, view.Version), Body);

    private static JsonObject Body(ClientView view)
    {
        var json = JsonSerializer.SerializeToNode(view.Registration)!.AsObject();
        json["managed_by"] = view.ManagedBy;
        json["read_only"] = view.ReadOnly;
        return json;
    }

    private static JsonObject Body(IssuedClient issued)
    {
        var json = Body(issued.Client);
        if (issued.ClientSecret is { } secret)
            json["client_secret"] = secret;
        return json;
    }

    /// <summary>As <see cref="ApiResults.From{T}"/>, with a registration's problem code (RFC 7591 §3.2.2, e.g. <c>invalid_redirect_uri</c>) as the problem's code.</summary>
    private static IResult From<T>(Outcome<T> outcome, Func<T, IResult> ok) => outcome switch
    {
        Outcome<T>.Failed { Failure: Failure.Invalid invalid } => ApiResults.Problem(StatusCodes.Status400BadRequest,
            invalid.Problems.Select(problem => problem.Code).Distinct().Count() == 1 ? invalid.Problems[0].Code : ClientProblemCodes.InvalidClientMetadata,
            invalid.Detail, invalid.Problems),
        _ => ApiResults.From(outcome, ok),
    };
}
