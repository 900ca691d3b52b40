using System.Text;
using AaiProxy.Server.Session;
using AaiProxy.Server.Web;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.WebUtilities;

namespace AaiProxy.Server.Upstream;

/// <summary>
/// Where a person chooses how to sign in when the authorization request did not settle it (several
/// upstream choices, no hint). The page lists the choices of every upstream protocol; a choice is a POST
/// with an antiforgery token, so no other site can start an upstream login in someone's browser. What the
/// login must achieve travels with it, protected, exactly as the authorization endpoint decided it.
/// </summary>
internal static class LoginPage
{
    public static IEndpointRouteBuilder MapLoginPage(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet(SessionDefaults.LoginPath, ShowAsync).WithRateLimitedEndpoint(RateLimitedEndpoints.Login);
        endpoints.MapGet(DiscoverySearchPath, SearchAsync).WithRateLimitedEndpoint(RateLimitedEndpoints.Discovery);
        // The antiforgery token is checked by the handler itself, so that a missing one gets the proxy's page.
        endpoints.MapPost(SessionDefaults.LoginPath, ChooseAsync).DisableAntiforgery().WithRateLimitedEndpoint(RateLimitedEndpoints.Login);
        return endpoints;
    }

    /// <summary>Type-ahead search over every upstream choice: <c>GET /discovery/search?q=…</c> →
    /// <c>[{entityId, displayName, domains}]</c>.</summary>
    public const string DiscoverySearchPath = "/discovery/search";

    /// <summary>Up to this many choices are listed without a search; a search shows at most as many results.</summary>
    public const int ListedAtOnce = 20;

    private const int MaxQueryLength = 100;

    /// <summary>The login page for a login the authorization endpoint has decided on.</summary>
    public static string Url(LoginRequests requests, RequestedAuthentication requested) =>
        QueryHelpers.AddQueryString(SessionDefaults.LoginPath, "request", requests.Protect(requested));

    private static async Task<IResult> SearchAsync(HttpContext httpContext, string? q, UpstreamChoices choices)
    {
        if (q is not { Length: > 0 and <= MaxQueryLength })
        {
            return Results.Problem(statusCode: StatusCodes.Status400BadRequest, title: "The search needs a query.",
                detail: $"Give q: part of the name of your university or institute, or your e-mail address ({MaxQueryLength} characters at most).",
                extensions: new Dictionary<string, object?> { ["traceId"] = CorrelationId.Of(httpContext) });
        }

        var hits = await choices.SearchAsync(q, ListedAtOnce, httpContext.RequestAborted);
        return Results.Json(hits.Select(hit => new { entityId = hit.Provider, displayName = hit.DisplayName, domains = hit.Domains }));
    }

    private static async Task<IResult> ShowAsync(HttpContext httpContext, string? request, string? q, LoginRequests requests,
        UpstreamChoices choices, IAntiforgery antiforgery)
    {
        if (requests.Unprotect(request) is null)
        {
            return StaleRequest(httpContext);
        }

        var all = await choices.ListAsync(httpContext.RequestAborted);
        if (all.Count == 0)
        {
            return ErrorPage.Render(StatusCodes.Status503ServiceUnavailable, "no_identity_provider",
                "No identity provider is configured, so nobody can sign in yet.", CorrelationId.Of(httpContext));
        }

        // A few choices are listed; many (a federation's thousands) are found by a search that needs no JavaScript.
        var query = q?.Trim() is { Length: > 0 } text ? text[..Math.Min(text.Length, MaxQueryLength)] : null;
        var searchable = all.Count > ListedAtOnce || query is not null;
        IReadOnlyList<UpstreamChoice> shown = query is not null
            ? UpstreamChoices.Search(all, query, ListedAtOnce)
            : all.Count > ListedAtOnce ? [] : [.. all.OrderBy(choice => choice.DisplayName, StringComparer.OrdinalIgnoreCase)];

        var tokens = antiforgery.GetAndStoreTokens(httpContext);
        var list = new StringBuilder();
        foreach (var choice in shown)
        {
            list.Append("<li><button type=\"submit\" name=\"provider\" value=\"").Append(HtmlPage.Encode(choice.Provider))
                .Append("\" data-idp-entity-id=\"").Append(HtmlPage.Encode(choice.Provider)).Append("\">")
                .Append(HtmlPage.Encode(choice.DisplayName)).Append("</button></li>");
        }

        var search = !searchable ? "" :
            $"""
            <form method="get" action="{SessionDefaults.LoginPath}" role="search">
            <input type="hidden" name="request" value="{HtmlPage.Encode(request)}">
            <label for="q">Your university, institute or e-mail address</label>
            <input type="search" id="q" name="q" value="{HtmlPage.Encode(query)}" maxlength="{MaxQueryLength}" autocomplete="organization">
            <button type="submit">Search</button>
            </form>
            """;
        var none = query is not null && shown.Count == 0 ? "<p>No identity provider matches; try another part of its name.</p>" : "";
        return HtmlPage.Render("Sign in",
            $"""
            <p>Choose your identity provider (your university or institute).</p>
            {search}{none}
            <form method="post" action="{SessionDefaults.LoginPath}">
            <input type="hidden" name="{HtmlPage.Encode(tokens.FormFieldName)}" value="{HtmlPage.Encode(tokens.RequestToken)}">
            <input type="hidden" name="request" value="{HtmlPage.Encode(request)}">
            <ul>{list}</ul>
            </form>
            """);
    }

    private static async Task<IResult> ChooseAsync(HttpContext httpContext, LoginRequests requests, UpstreamChoices choices,
        IAntiforgery antiforgery)
    {
        if (!httpContext.Request.HasFormContentType || !await antiforgery.IsRequestValidAsync(httpContext))
        {
            return ErrorPage.Render(StatusCodes.Status400BadRequest, "invalid_login_request",
                "This sign-in choice did not come from this service's sign-in page. Please start again from the service you wanted to use.",
                CorrelationId.Of(httpContext));
        }

        var form = await httpContext.Request.ReadFormAsync(httpContext.RequestAborted);
        var requested = requests.Unprotect(form["request"]);
        if (requested is null)
        {
            return StaleRequest(httpContext);
        }

        if (await choices.FindAsync(form["provider"], httpContext.RequestAborted) is not { } choice)
        {
            return ErrorPage.Render(StatusCodes.Status400BadRequest, "unknown_identity_provider",
                "The identity provider you chose is not known to this service.", CorrelationId.Of(httpContext));
        }

        return Results.Challenge((requested with { Provider = choice.Provider }).ToProperties(), [choice.Scheme]);
    }

    private static IResult StaleRequest(HttpContext httpContext) =>
        ErrorPage.Render(StatusCodes.Status400BadRequest, "invalid_login_request",
            "This sign-in page is incomplete or has expired. Please start again from the service you wanted to use.",
            CorrelationId.Of(httpContext));
}

/// <summary>The protected form of a <see cref="RequestedAuthentication"/> on the login page (15 minutes).</summary>
internal sealed class LoginRequests(IDataProtectionProvider dataProtection, TimeProvider time)
{
    private readonly ShortLivedProtector<RequestedAuthentication> _protector =
        new(dataProtection, time, nameof(LoginRequests), TimeSpan.FromMinutes(15));

    public string Protect(RequestedAuthentication requested) => _protector.Protect(requested);

    public RequestedAuthentication? Unprotect(string? text) => _protector.Unprotect(text);
}
