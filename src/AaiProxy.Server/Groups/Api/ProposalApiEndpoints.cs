using System.Globalization;
using System.Text;
using AaiProxy.Groups;
using AaiProxy.Groups.Management;
using AaiProxy.Server.Groups.Management;

namespace AaiProxy.Server.Groups.Api;

/// <summary><c>/api/v1/facilities/{facility}</c>: proposals (with sessions and embargo), facility user ids; and the audit log.</summary>
internal static class ProposalApiEndpoints
{
    public static RouteGroupBuilder MapProposalApi(this RouteGroupBuilder api)
    {
        var facility = api.MapGroup("/facilities/{facility}");
        facility.MapGet("/proposals", ListAsync).Scopes(ApiScopes.GroupsRead, ApiScopes.ProposalsWrite).WithSummary("The facility's proposals, by id; paged (facility admins, user office).");
        facility.MapPost("/proposals", CreateAsync).Scopes(ApiScopes.ProposalsWrite).WithSummary("Creates a proposal with its sessions and team (facility admins, user office).");
        facility.MapPost("/proposals:import", ImportAsync).Scopes(ApiScopes.ProposalsWrite)
            .Accepts<object>("application/json", "text/csv")
            .WithSummary("Idempotent bulk import (JSON or CSV, see docs/api.md): the import is the truth for the proposals it names; the answer counts what changed.");
        facility.MapGet("/proposals/{id}", GetAsync).Scopes(ApiScopes.GroupsRead, ApiScopes.ProposalsWrite).WithSummary("A proposal, with its ETag.");
        facility.MapPut("/proposals/{id}", UpdateAsync).Scopes(ApiScopes.ProposalsWrite).WithSummary("Replaces title, sessions and team (If-Match required); the team group follows.");
        facility.MapDelete("/proposals/{id}", DeleteAsync).Scopes(ApiScopes.ProposalsWrite).WithSummary("Deletes a proposal; its team's memberships end (If-Match required).");
        facility.MapPut("/proposals/{id}/embargo", EmbargoAsync).Scopes(ApiScopes.ProposalsWrite)
            .WithSummary("Moves the embargo end: later for the proposal's managers, earlier for facility admins only (If-Match required).");

        facility.MapGet("/user-ids", ListUserIdsAsync).Scopes(ApiScopes.GroupsRead, ApiScopes.ProposalsWrite).WithSummary("The facility's user ids; paged.");
        facility.MapGet("/user-ids/{userId}", GetUserIdAsync).Scopes(ApiScopes.GroupsRead, ApiScopes.ProposalsWrite).WithSummary("One facility user id, with its ETag.");
        facility.MapPut("/user-ids/{userId}", SetUserIdAsync).Scopes(ApiScopes.ProposalsWrite)
            .WithSummary("Gives the user id to a person (If-Match required when it exists; If-None-Match: * to only create).");
        facility.MapDelete("/user-ids/{userId}", DeleteUserIdAsync).Scopes(ApiScopes.ProposalsWrite).WithSummary("Removes a facility user id (If-Match required).");

        api.MapGet("/audit", AuditAsync).Scopes(ApiScopes.GroupsRead).WithSummary("The audit log, oldest first; paged (platform admins: all; facility admins: their facilities' proposals and user ids).");
        api.MapGet("/audit/export", ExportAsync).Scopes(ApiScopes.GroupsRead)
            .WithSummary("The audit log as JSON lines (format=jsonl, default) or CSV (format=csv), whole, streamed.");
        return api;
    }

    private static async Task<IResult> ListAsync(HttpContext http, GroupAdministration admin, string facility)
    {
        if (!ApiResults.TryPage(http, out var page, out var error))
            return error!;
        return ApiResults.From(await admin.ListProposalsAsync(ApiCaller.Actor(http), facility, page, http.RequestAborted),
            proposals => ApiResults.Paged(http, proposals, p => GroupApiEndpoints.WithVersion(ApiModels.Proposal(p.Value), p.Version)));
    }

    private static async Task<IResult> CreateAsync(HttpContext http, GroupAdministration admin, string facility, ProposalBody body) =>
        ApiResults.From(await admin.CreateProposalAsync(ApiCaller.Actor(http), facility, body.Id ?? "", body.ToInput(), body.EmbargoEnd, http.RequestAborted),
            created => ApiResults.Versioned(created, ApiModels.Proposal, StatusCodes.Status201Created,
                $"{http.Request.PathBase}/api/v1/facilities/{facility}/proposals/{Uri.EscapeDataString(created.Value.Proposal.Id)}"));

    private const int MaxImportBytes = 64 * 1024 * 1024;

    private static async Task<IResult> ImportAsync(HttpContext http, GroupAdministration admin, string facility)
    {
        var mediaType = Microsoft.Net.Http.Headers.MediaTypeHeaderValue.TryParse(http.Request.ContentType, out var parsed) ? parsed.MediaType.Value : null;
        if (mediaType is not ("application/json" or "text/csv"))
            return ApiResults.Problem(StatusCodes.Status415UnsupportedMediaType, "unsupported_media_type", "Send the import as application/json or text/csv.");
        if (http.Request.ContentLength > MaxImportBytes)
            return ApiResults.Problem(StatusCodes.Status413PayloadTooLarge, "too_large", $"An import has at most {MaxImportBytes / 1024 / 1024} MiB.");
        using var buffer = new MemoryStream();
        await http.Request.Body.CopyToAsync(buffer, http.RequestAborted);
        if (buffer.Length > MaxImportBytes)
            return ApiResults.Problem(StatusCodes.Status413PayloadTooLarge, "too_large", $"An import has at most {MaxImportBytes / 1024 / 1024} MiB.");
        var document = mediaType == "text/csv"
            ? AaiProxy.Groups.Import.CsvProposalReader.Read(Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length))
            : AaiProxy.Groups.Import.JsonProposalReader.Read(buffer.GetBuffer().AsMemory(0, (int)buffer.Length));
        return ApiResults.From(await admin.ImportAsync(ApiCaller.Actor(http), facility, document, http.RequestAborted),
            summary => Results.Json(new
            {
                changed = summary.Changed,
                created = summary.Created,
                updated = summary.Updated,
                unchanged = summary.Unchanged,
                invitations_requested = summary.InvitationsRequested,
            }));
    }

    private static async Task<IResult> GetAsync(HttpContext http, GroupAdministration admin, string facility, string id) =>
        ApiResults.From(await admin.GetProposalAsync(ApiCaller.Actor(http), new ProposalKey(facility, id), http.RequestAborted),
            proposal => ApiResults.Versioned(proposal, ApiModels.Proposal));

    private static async Task<IResult> UpdateAsync(HttpContext http, GroupAdministration admin, string facility, string id, ProposalBody body)
    {
        if (!ApiResults.TryIfMatch(http, out var version, out var error))
            return error!;
        return ApiResults.From(await admin.UpdateProposalAsync(ApiCaller.Actor(http), new ProposalKey(facility, id), body.ToInput(), version, http.RequestAborted),
            proposal => ApiResults.Versioned(proposal, ApiModels.Proposal));
    }

    private static async Task<IResult> DeleteAsync(HttpContext http, GroupAdministration admin, string facility, string id)
    {
        if (!ApiResults.TryIfMatch(http, out var version, out var error))
            return error!;
        return ApiResults.From(await admin.DeleteProposalAsync(ApiCaller.Actor(http), new ProposalKey(facility, id), version, http.RequestAborted), ApiResults.Deleted);
    }

    private static async Task<IResult> EmbargoAsync(HttpContext http, GroupAdministration admin, string facility, string id, EmbargoBody body)
    {
        if (!ApiResults.TryIfMatch(http, out var version, out var error))
            return error!;
        return ApiResults.From(await admin.ChangeEmbargoAsync(ApiCaller.Actor(http), new ProposalKey(facility, id), body.End, version, http.RequestAborted),
            proposal => ApiResults.Versioned(proposal, ApiModels.Proposal));
    }

    private static async Task<IResult> ListUserIdsAsync(HttpContext http, GroupAdministration admin, string facility)
    {
        if (!ApiResults.TryPage(http, out var page, out var error))
            return error!;
        return ApiResults.From(await admin.ListFacilityUserIdsAsync(ApiCaller.Actor(http), facility, page, http.RequestAborted),
            ids => ApiResults.Paged(http, ids, i => GroupApiEndpoints.WithVersion(ApiModels.FacilityUserId(i.Value), i.Version)));
    }

    private static async Task<IResult> GetUserIdAsync(HttpContext http, GroupAdministration admin, string facility, string userId) =>
        ApiResults.From(await admin.GetFacilityUserIdAsync(ApiCaller.Actor(http), facility, userId, http.RequestAborted),
            id => ApiResults.Versioned(id, ApiModels.FacilityUserId));

    private static async Task<IResult> SetUserIdAsync(HttpContext http, GroupAdministration admin, string facility, string userId, FacilityUserIdBody body)
    {
        // Creating needs no version; replacing one does (If-None-Match: * asks for creation only).
        var actor = ApiCaller.Actor(http);
        var current = await admin.GetFacilityUserIdAsync(actor, facility, userId, http.RequestAborted);
        string? version = null;
        if (current is Outcome<Versioned<FacilityUserId>>.Ok)
        {
            if (http.Request.Headers.IfNoneMatch == "*")
                return ApiResults.Problem(StatusCodes.Status412PreconditionFailed, "precondition_failed", $"Facility '{facility}' has the user id '{userId}' already.");
            if (!ApiResults.TryIfMatch(http, out version, out var error))
                return error!;
        }
        return ApiResults.From(await admin.SetFacilityUserIdAsync(actor, facility, userId, body.CommunityId ?? "", version, http.RequestAborted),
            id => ApiResults.Versioned(id, ApiModels.FacilityUserId));
    }

    private static async Task<IResult> DeleteUserIdAsync(HttpContext http, GroupAdministration admin, string facility, string userId)
    {
        if (!ApiResults.TryIfMatch(http, out var version, out var error))
            return error!;
        return ApiResults.From(await admin.DeleteFacilityUserIdAsync(ApiCaller.Actor(http), facility, userId, version, http.RequestAborted), ApiResults.Deleted);
    }

    private static async Task<IResult> AuditAsync(HttpContext http, GroupAdministration admin)
    {
        if (!ApiResults.TryPage(http, out var page, out var error))
            return error!;
        return ApiResults.From(await admin.AuditAsync(ApiCaller.Actor(http), page, http.RequestAborted),
            records => ApiResults.Paged(http, records, ApiModels.Audit));
    }

    /// <summary>The whole log the caller may read, page by page from the database, written as it is read.</summary>
    private static async Task<IResult> ExportAsync(HttpContext http, GroupAdministration admin, string? format)
    {
        var csv = format switch
        {
            null or "jsonl" => false,
            "csv" => true,
            _ => (bool?)null,
        };
        if (csv is null)
            return ApiResults.Problem(StatusCodes.Status400BadRequest, "invalid_request", "format is jsonl or csv.");
        var actor = ApiCaller.Actor(http);
        var first = await admin.AuditAsync(actor, PageRequest.First(PageRequest.MaxSize), http.RequestAborted);
        if (first is Outcome<Page<AuditRecord>>.Failed failed)
            return ApiResults.From(failed.Failure);
        return Results.Stream(async body =>
        {
            await using var writer = new StreamWriter(body, new UTF8Encoding(false));
            if (csv == true)
                await writer.WriteLineAsync("id,occurred_at,actor,action,target,details");
            var page = ((Outcome<Page<AuditRecord>>.Ok)first).Value;
            while (true)
            {
                foreach (var record in page.Items)
                    await writer.WriteLineAsync(csv == true ? CsvLine(record) : System.Text.Json.JsonSerializer.Serialize(ApiModels.Audit(record)));
                if (page.Next is null || await admin.AuditAsync(actor, new PageRequest(PageRequest.MaxSize, page.Next), http.RequestAborted)
                        is not Outcome<Page<AuditRecord>>.Ok { Value: var next })
                    break;
                page = next;
            }
        }, csv == true ? "text/csv; charset=utf-8" : "application/jsonl; charset=utf-8");
    }

    private static string CsvLine(AuditRecord record) =>
        string.Join(',', new[]
        {
            record.Id.ToString(CultureInfo.InvariantCulture),
            record.OccurredAt.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture),
            record.Actor, record.Action, record.Target, record.Details,
        }.Select(Csv));

    // RFC 4180: quote every field that needs it; a leading =, +, - or @ is prefixed with ' so spreadsheets never run it as a formula.
    private static string Csv(string field)
    {
        var safe = field.Length > 0 && "=+-@".Contains(field[0]) ? "'" + field : field;
        return safe.IndexOfAny([',', '"', '\r', '\n']) >= 0 ? $"\"{safe.Replace("\"", "\"\"", StringComparison.Ordinal)}\"" : safe;
    }
}
