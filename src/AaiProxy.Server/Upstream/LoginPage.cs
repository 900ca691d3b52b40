using System.Text;
using AaiProxy.Server.Configuration;
using AaiProxy.Server.Session;
using AaiProxy.Server.Upstream.Discovery;
using AaiProxy.Server.Web;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace AaiProxy.Server.Upstream;

/// <summary>
/// Where a person chooses how to sign in when the authorization request did not settle it (several
/// upstream choices, no hint). The page lists the choices of every upstream protocol, names in the person's
/// language, the ones this browser chose before first; beyond <see cref="DiscoveryEndpoints.MaxResults"/> it asks
/// for a search (a form without JavaScript, a type-ahead combobox with it). A choice is a POST with an antiforgery
/// token, so no other site can start an upstream login in someone's browser. What the login must achieve travels
/// with it, protected, exactly as the authorization endpoint decided it. With <c>AaiProxy:Saml:Discovery:ExternalUrl</c>
/// the choice is made at an external discovery service instead (SAML IdP Discovery protocol), which returns to
/// <see cref="ExternalReturnPath"/>.
/// </summary>
internal static class LoginPage
{
    /// <summary>Where an external discovery service sends the person back, with <c>entityID</c>.</summary>
    public const string ExternalReturnPath = "/discovery/return";

    private const string ChoiceForm = "idp-choice";

    public static IEndpointRouteBuilder MapLoginPage(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet(SessionDefaults.LoginPath, ShowAsync).WithRateLimitedEndpoint(RateLimitedEndpoints.Login);
        // The antiforgery token is checked by the handler itself, so that a missing one gets the proxy's page.
        endpoints.MapPost(SessionDefaults.LoginPath, ChooseAsync).DisableAntiforgery().WithRateLimitedEndpoint(RateLimitedEndpoints.Login);
        endpoints.MapGet(ExternalReturnPath, ReturnFromExternalAsync).WithRateLimitedEndpoint(RateLimitedEndpoints.Login);
        endpoints.MapDiscovery();
        return endpoints;
    }

    /// <summary>The login page for a login the authorization endpoint has decided on.</summary>
    public static string Url(LoginRequests requests, RequestedAuthentication requested) =>
        QueryHelpers.AddQueryString(SessionDefaults.LoginPath, "request", requests.Protect(requested));

    private static async Task<IResult> ShowAsync(HttpContext httpContext, string? request, string? q, LoginRequests requests,
        UpstreamChoices choices, IAntiforgery antiforgery, RememberedChoices remembered, LogoCache logos,
        IOptions<ExternalDiscoveryOptions> discovery, IOptions<ProxyOptions> proxy, ListeningOrigins origins,
        AaiProxy.Saml.ServiceProviderSettings serviceProvider)
    {
        if (requests.Unprotect(request) is null)
        {
            return StaleRequest(httpContext);
        }

        if (discovery.Value.ExternalUrl is { } external)
        {
            // SAML IdP Discovery protocol 2.4.1: entityID (ours), return, returnIDParam.
            var returnUrl = QueryHelpers.AddQueryString(origins.PublicOrigin(proxy.Value) + ExternalReturnPath, "request", request!);
            return Results.Redirect(QueryHelpers.AddQueryString(external.AbsoluteUri, new Dictionary<string, string?>
            {
                ["entityID"] = serviceProvider.EntityId,
                ["return"] = returnUrl,
                ["returnIDParam"] = "entityID",
            }));
        }

        var all = await choices.ListAsync(httpContext.RequestAborted);
        if (all.Count == 0)
        {
            return ErrorPage.Render(StatusCodes.Status503ServiceUnavailable, "no_identity_provider",
                "No identity provider is configured, so nobody can sign in yet.", CorrelationId.Of(httpContext));
        }

        var languages = PreferredLanguages.Of(httpContext.Request);
        httpContext.Response.Headers.Vary = HeaderNames.AcceptLanguage;
        var listed = all.Where(choice => !choice.HiddenFromDiscovery).ToList();
        // A few choices are listed; many (a federation's thousands) are found by a search that needs no JavaScript.
        var query = q?.Trim() is { Length: > 0 } text ? text[..Math.Min(text.Length, DiscoveryEndpoints.MaxQueryLength)] : null;
        var searchable = listed.Count > DiscoveryEndpoints.MaxResults || query is not null;
        IReadOnlyList<UpstreamChoice> shown = query is not null
            ? UpstreamChoices.Search(listed, query, languages, DiscoveryEndpoints.MaxResults)
            : listed.Count > DiscoveryEndpoints.MaxResults ? [] : [.. listed.OrderBy(choice => choice.DisplayNameIn(languages), StringComparer.OrdinalIgnoreCase)];
        var recent = new List<UpstreamChoice>();
        foreach (var provider in remembered.Read(httpContext.Request))
        {
            if (await choices.FindAsync(provider, httpContext.RequestAborted) is { } choice)
            {
                recent.Add(choice);
            }
        }

        var tokens = antiforgery.GetAndStoreTokens(httpContext);
        var recentList = recent.Count == 0 ? "" :
            $"""<h2 id="recent-heading">Your recent choices</h2><ul aria-labelledby="recent-heading">{Buttons(recent, languages, logos, "data-recent-choice")}</ul>""";
        var search = !searchable ? "" :
            $"""
            <form method="get" action="{SessionDefaults.LoginPath}" role="search">
            <input type="hidden" name="request" value="{HtmlPage.Encode(request)}">
            <label for="q" id="q-label">Your university, institute or e-mail address</label>
            <input type="search" id="q" name="q" value="{HtmlPage.Encode(query)}" maxlength="{DiscoveryEndpoints.MaxQueryLength}" autocomplete="off" spellcheck="false">
            <button type="submit">Search</button>
            <ul id="idp-results" role="listbox" aria-labelledby="q-label" hidden></ul>
            <p id="idp-status" role="status" aria-live="polite"></p>
            </form>
            <script src="{DiscoveryEndpoints.ScriptPath}" defer></script>
            """;
        var none = query is not null && shown.Count == 0 ? "<p>No identity provider matches; try another part of its name.</p>" : "";
        return HtmlPage.Render("Sign in",
            $"""
            <p>Choose your identity provider (your university or institute).</p>
            <form method="post" action="{SessionDefaults.LoginPath}" id="{ChoiceForm}">
            <input type="hidden" name="{HtmlPage.Encode(tokens.FormFieldName)}" value="{HtmlPage.Encode(tokens.RequestToken)}">
            <input type="hidden" name="request" value="{HtmlPage.Encode(request)}">
            {recentList}
            </form>
            {search}{none}
            <ul>{Buttons(shown, languages, logos, "data-idp-entity-id")}</ul>
            """);
    }

    private static StringBuilder Buttons(IEnumerable<UpstreamChoice> choices, IReadOnlyList<string> languages, LogoCache logos, string marker)
    {
        var list = new StringBuilder();
        foreach (var choice in choices)
        {
            var hit = DiscoveryEndpoints.Hit(choice, languages, logos);
            // Every choice submits the one antiforgery-protected form, wherever it stands on the page.
            list.Append("<li><button type=\"submit\" form=\"").Append(ChoiceForm).Append("\" name=\"provider\" value=\"").Append(HtmlPage.Encode(hit.EntityId))
                .Append("\" ").Append(marker).Append("=\"").Append(HtmlPage.Encode(hit.EntityId)).Append("\">");
            if (hit.Logo is { } logo)
            {
                list.Append("<img src=\"").Append(HtmlPage.Encode(logo)).Append("\" alt=\"\" width=\"40\" height=\"30\" loading=\"lazy\"> ");
            }

            list.Append(HtmlPage.Encode(hit.DisplayName)).Append("</button></li>");
        }

        return list;
    }

    private static async Task<IResult> ChooseAsync(HttpContext httpContext, LoginRequests requests, UpstreamChoices choices,
        IAntiforgery antiforgery, RememberedChoices remembered)
    {
        if (!httpContext.Request.HasFormContentType || !await antiforgery.IsRequestValidAsync(httpContext))
        {
            return ErrorPage.Render(StatusCodes.Status400BadRequest, "invalid_login_request",
                "This sign-in choice did not come from this service's sign-in page. Please start again from the service you wanted to use.",
                CorrelationId.Of(httpContext));
        }

        var form = await httpContext.Request.ReadFormAsync(httpContext.RequestAborted);
        return await ChallengeAsync(httpContext, requests.Unprotect(form["request"]), form["provider"], choices, remembered);
    }

    // SAML IdP Discovery protocol 2.4.2: the service returns the chosen entityID (none: the person chose nothing).
    private static async Task<IResult> ReturnFromExternalAsync(HttpContext httpContext, string? request, string? entityID,
        LoginRequests requests, UpstreamChoices choices, RememberedChoices remembered) =>
        await ChallengeAsync(httpContext, requests.Unprotect(request), entityID, choices, remembered);

    private static async Task<IResult> ChallengeAsync(HttpContext httpContext, RequestedAuthentication? requested, string? provider,
        UpstreamChoices choices, RememberedChoices remembered)
    {
        if (requested is null)
        {
            return StaleRequest(httpContext);
        }

        if (await choices.FindAsync(provider, httpContext.RequestAborted) is not { } choice)
        {
            return ErrorPage.Render(StatusCodes.Status400BadRequest, "unknown_identity_provider",
                "The identity provider you chose is not known to this service.", CorrelationId.Of(httpContext));
        }

        remembered.Remember(httpContext, choice.Provider);
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
