using System.Buffers.Text;
using System.Text;
using AaiProxy.Groups.Management;
using AaiProxy.Server.Groups.Management;
using Microsoft.AspNetCore.Http.Extensions;
using Microsoft.AspNetCore.WebUtilities;

namespace AaiProxy.Server.Groups.Api;

/// <summary>
/// HTTP for management outcomes: RFC 9457 (7807) problem details with a stable <c>code</c>, strong
/// ETags from object versions, <c>If-Match</c> (428 when missing, 412 when stale) and keyset pages.
/// The one place that maps an <see cref="Outcome{T}"/> to a status.
/// </summary>
internal static class ApiResults
{
    public const int DefaultPageSize = 50;
    private const string ProblemTypePrefix = "urn:aaiproxy:problem:";

    public static IResult Problem(int status, string code, string detail, IReadOnlyList<ManagementProblem>? problems = null)
    {
        var extensions = new Dictionary<string, object?> { ["code"] = code };
        if (problems is not null)
            extensions["problems"] = problems.Select(p => new { field = p.Field, code = p.Code, message = p.Message }).ToList();
        return Results.Problem(statusCode: status, type: ProblemTypePrefix + code, detail: detail, extensions: extensions);
    }

    public static IResult From<T>(Outcome<T> outcome, Func<T, IResult> ok) => outcome switch
    {
        Outcome<T>.Ok success => ok(success.Value),
        Outcome<T>.Failed { Failure: var failure } => From(failure),
        _ => throw new InvalidOperationException("Unknown outcome."),
    };

    public static IResult From(Failure failure) => failure switch
    {
        Failure.NotFound => Problem(StatusCodes.Status404NotFound, "not_found", failure.Detail),
        Failure.Forbidden => Problem(StatusCodes.Status403Forbidden, "forbidden", failure.Detail),
        Failure.Conflict { PreconditionFailed: true } => Problem(StatusCodes.Status412PreconditionFailed, "precondition_failed", failure.Detail),
        Failure.Conflict => Problem(StatusCodes.Status409Conflict, "conflict", failure.Detail),
        Failure.Invalid invalid => Problem(StatusCodes.Status400BadRequest, "invalid_request", failure.Detail, invalid.Problems),
        _ => throw new InvalidOperationException("Unknown failure."),
    };

    /// <summary>The object with its version as a strong ETag.</summary>
    public static IResult Versioned<T>(Versioned<T> versioned, Func<T, object> body, int status = StatusCodes.Status200OK, string? location = null) =>
        new WithHeaders(Results.Json(body(versioned.Value), statusCode: status), ETag(versioned.Version), location);

    public static string ETag(string version) => $"\"{version}\"";

    /// <summary>
    /// The version a change must apply to: the <c>If-Match</c> entity tag (<c>*</c>: whatever is current).
    /// Missing: 428, so that no client overwrites a change it has not seen (RFC 6585 §3).
    /// </summary>
    public static bool TryIfMatch(HttpContext httpContext, out string? version, out IResult? error)
    {
        var header = httpContext.Request.Headers.IfMatch.ToString().Trim();
        (version, error) = header switch
        {
            "" => ((string?)null, (IResult?)Problem(StatusCodes.Status428PreconditionRequired, "precondition_required",
                "Send If-Match with the ETag of the object you read (or * to change it whatever it is now).")),
            "*" => (null, null),
            // A weak tag never matches a strong comparison (RFC 9110 §13.1.1): keep it as it is, it will not match.
            _ when header.StartsWith('"') && header.EndsWith('"') && header.Length >= 2 => (header[1..^1], null),
            _ => (header, null),
        };
        return error is null;
    }

    /// <summary>The page the request asks for: <c>page_size</c> (1–500, default 50) and the opaque <c>cursor</c> of a previous page's <c>next</c>.</summary>
    public static bool TryPage(HttpContext httpContext, out PageRequest page, out IResult? error)
    {
        page = PageRequest.First(DefaultPageSize);
        error = null;
        var query = httpContext.Request.Query;
        var size = DefaultPageSize;
        if (query.TryGetValue("page_size", out var sizeText)
            && (!int.TryParse(sizeText, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out size)
                || size is < 1 or > PageRequest.MaxSize))
        {
            error = Problem(StatusCodes.Status400BadRequest, "invalid_request", $"page_size is a whole number from 1 to {PageRequest.MaxSize}.");
            return false;
        }
        string? after = null;
        if (query.TryGetValue("cursor", out var cursor))
        {
            try
            {
                after = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(cursor.ToString()));
            }
            catch (FormatException)
            {
                error = Problem(StatusCodes.Status400BadRequest, "invalid_request", "cursor is not one this API gave out.");
                return false;
            }
        }
        page = new PageRequest(size, after);
        return true;
    }

    /// <summary><c>{"items": […], "next": url|null}</c> and, when there is a next page, <c>Link: &lt;url&gt;; rel="next"</c>.</summary>
    public static IResult Paged<T>(HttpContext httpContext, Page<T> page, Func<T, object> item)
    {
        string? next = null;
        if (page.Next is { } after)
        {
            var query = QueryHelpers.ParseQuery(httpContext.Request.QueryString.Value);
            query["cursor"] = Base64Url.EncodeToString(Encoding.UTF8.GetBytes(after));
            var builder = new QueryBuilder(query.SelectMany(pair => pair.Value.Select(value => KeyValuePair.Create(pair.Key, value ?? ""))));
            next = $"{httpContext.Request.PathBase}{httpContext.Request.Path}{builder.ToQueryString()}";
            httpContext.Response.Headers.Link = $"<{next}>; rel=\"next\"";
        }
        return Results.Json(new { items = page.Items.Select(item).ToList(), next });
    }

    public static IResult Deleted(Deleted _) => Results.NoContent();

    private sealed class WithHeaders(IResult inner, string etag, string? location) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.Headers.ETag = etag;
            if (location is not null)
                httpContext.Response.Headers.Location = location;
            return inner.ExecuteAsync(httpContext);
        }
    }
}
