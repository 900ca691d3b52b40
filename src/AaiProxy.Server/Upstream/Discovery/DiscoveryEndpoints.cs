using System.Text.Json.Serialization;
using AaiProxy.Server.Web;
using Microsoft.Net.Http.Headers;

namespace AaiProxy.Server.Upstream.Discovery;

/// <summary>One search result of <c>GET /discovery/search</c>.</summary>
internal sealed record DiscoveryHit(
    [property: JsonPropertyName("entityId")] string EntityId,
    [property: JsonPropertyName("displayName")] string DisplayName,
    [property: JsonPropertyName("logo"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Logo,
    [property: JsonPropertyName("domains")] IReadOnlyList<string> Domains);

/// <summary>The discovery page's helpers: the type-ahead search, the logos it shows, and its script.</summary>
internal static class DiscoveryEndpoints
{
    /// <summary><c>GET /discovery/search?q=…</c> → <c>[{entityId, displayName, logo?, domains}]</c>.</summary>
    public const string SearchPath = "/discovery/search";
    public const string LogoPathPrefix = "/discovery/logo/";
    public const string ScriptPath = "/discovery/discovery.js";

    /// <summary>A search shows at most this many results (and the login page lists this many without one).</summary>
    public const int MaxResults = 20;
    public const int MaxQueryLength = 100;

    public static IServiceCollection AddDiscovery(this IServiceCollection services)
    {
        services.AddOptions<ExternalDiscoveryOptions>().BindConfiguration(ExternalDiscoveryOptions.SectionName)
            .Validate(options => options.ExternalUrl is null || (options.ExternalUrl.IsAbsoluteUri && options.ExternalUrl.Scheme == Uri.UriSchemeHttps),
                $"{ExternalDiscoveryOptions.SectionName}:ExternalUrl must be an absolute https URL (the discovery service's address).")
            .ValidateOnStart();
        services.AddSingleton<LogoCache>();
        services.AddSingleton<RememberedChoices>();
        services.AddHttpClient(LogoCache.HttpClientName, client =>
            {
                client.Timeout = LogoCache.FetchTimeout;
                client.DefaultRequestHeaders.UserAgent.ParseAdd("AaiProxy-discovery-logos/1");
            })
            // Straight to the logo's host (no HTTP proxy), and only if it is a public address.
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler
            {
                AllowAutoRedirect = false, UseCookies = false, UseProxy = false, ConnectCallback = PublicAddresses.ConnectAsync,
            });
        return services;
    }

    public static IEndpointRouteBuilder MapDiscovery(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet(SearchPath, SearchAsync).WithRateLimitedEndpoint(RateLimitedEndpoints.Discovery);
        endpoints.MapGet(LogoPathPrefix + "{hash}", LogoAsync).WithRateLimitedEndpoint(RateLimitedEndpoints.Discovery);
        endpoints.MapGet(ScriptPath, (HttpContext httpContext) =>
        {
            httpContext.Response.Headers.CacheControl = "public, max-age=3600";
            return Results.Text(DiscoveryScript.Text, "text/javascript; charset=utf-8");
        });
        return endpoints;
    }

    /// <summary>What the page and the search show of a choice: its name in the person's language and the proxy's
    /// address of its logo.</summary>
    public static DiscoveryHit Hit(UpstreamChoice choice, IReadOnlyList<string> languages, LogoCache logos) =>
        new(choice.Provider, choice.DisplayNameIn(languages), logos.PathFor(choice.Logo), choice.Domains);

    private static async Task<IResult> SearchAsync(HttpContext httpContext, string? q, UpstreamChoices choices, LogoCache logos)
    {
        if (q is not { Length: > 0 and <= MaxQueryLength } || string.IsNullOrWhiteSpace(q))
        {
            return Results.Problem(statusCode: StatusCodes.Status400BadRequest, title: "The search needs a query.",
                detail: $"Give q: part of the name of your university or institute, or your e-mail address ({MaxQueryLength} characters at most).",
                extensions: new Dictionary<string, object?> { ["traceId"] = CorrelationId.Of(httpContext) });
        }

        var languages = PreferredLanguages.Of(httpContext.Request);
        var hits = UpstreamChoices.Search(await choices.ListAsync(httpContext.RequestAborted), q, languages, MaxResults);
        httpContext.Response.Headers.Vary = HeaderNames.AcceptLanguage;
        return Results.Json(hits.Select(hit => Hit(hit, languages, logos)));
    }

    private static async Task<IResult> LogoAsync(HttpContext httpContext, string hash, LogoCache logos)
    {
        if (await logos.GetAsync(hash, httpContext.RequestAborted) is not { } logo)
        {
            return Results.NotFound();
        }

        // An SVG is an image here, never a document: no scripts, no fetches, even if opened on its own.
        httpContext.Response.Headers.ContentSecurityPolicy = "default-src 'none'; style-src 'unsafe-inline'; sandbox";
        httpContext.Response.Headers.CacheControl = "public, max-age=86400";
        return Results.Bytes(logo.Bytes, logo.ContentType);
    }
}
