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
        // The antiforgery token is checked by the handler itself, so that a missing one gets the proxy's page.
        endpoints.MapPost(SessionDefaults.LoginPath, ChooseAsync).DisableAntiforgery().WithRateLimitedEndpoint(RateLimitedEndpoints.Login);
        return endpoints;
    }

    /// <summary>The login page for a login the authorization endpoint has decided on.</summary>
    public static string Url(LoginRequests requests, RequestedAuthentication requested) =>
        QueryHelpers.AddQueryString(SessionDefaults.LoginPath, "request", requests.Protect(requested));

    private static async Task<IResult> ShowAsync(HttpContext httpContext, string? request, LoginRequests requests, UpstreamChoices choices,
        IAntiforgery antiforgery)
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

        var tokens = antiforgery.GetAndStoreTokens(httpContext);
        var list = new StringBuilder();
        foreach (var choice in all.OrderBy(choice => choice.DisplayName, StringComparer.OrdinalIgnoreCase))
        {
            list.Append("<li><button type=\"submit\" name=\"provider\" value=\"").Append(HtmlPage.Encode(choice.Provider))
                .Append("\" data-idp-entity-id=\"").Append(HtmlPage.Encode(choice.Provider)).Append("\">")
                .Append(HtmlPage.Encode(choice.DisplayName)).Append("</button></li>");
        }

        return HtmlPage.Render("Sign in",
            $"""
            <p>Choose your identity provider (your university or institute).</p>
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
