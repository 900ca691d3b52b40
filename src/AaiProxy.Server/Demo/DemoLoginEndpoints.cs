using AaiProxy.Identity;
using AaiProxy.Server.Hosting;
using AaiProxy.Server.Session;
using AaiProxy.Server.Web;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace AaiProxy.Server.Demo;

/// <summary>
/// DEVELOPMENT ONLY: a login page that signs in configured demo users without any upstream IdP.
/// Mapped only when <c>AaiProxy:Demo:Enabled</c> is true (never in Production). It ends like every
/// upstream login: an <see cref="UpstreamIdentity"/> handed to <see cref="UpstreamSignIn"/>.
/// </summary>
internal static class DemoLoginEndpoints
{
    public const string Issuer = "urn:aaiproxy:demo";

    public static IEndpointRouteBuilder MapDemoLogin(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet(SessionDefaults.LoginPath, ShowLoginPage);
        endpoints.MapPost(SessionDefaults.LoginPath, SignInAsync);
        return endpoints;
    }

    private static IResult ShowLoginPage(HttpContext httpContext, IAntiforgery antiforgery, IOptions<ProxyOptions> options, string? returnUrl)
    {
        var tokens = antiforgery.GetAndStoreTokens(httpContext);
        var buttons = string.Concat(options.Value.Demo.Users.Select(user =>
            $"""<li><button type="submit" name="username" value="{HtmlPage.Encode(user.Username)}">{HtmlPage.Encode(user.DisplayName)}</button> <code>{HtmlPage.Encode(user.Username)}</code></li>"""));
        return HtmlPage.Render("Demo login",
            $"""
            <p><strong>Development only.</strong> Choose a demo person; a real deployment signs people in at their home organisation.</p>
            <form method="post" action="{SessionDefaults.LoginPath}">
            <input type="hidden" name="{HtmlPage.Encode(tokens.FormFieldName)}" value="{HtmlPage.Encode(tokens.RequestToken)}">
            <input type="hidden" name="returnUrl" value="{HtmlPage.Encode(returnUrl)}">
            <ul>{buttons}</ul>
            </form>
            """);
    }

    private static async Task<IResult> SignInAsync(
        HttpContext httpContext,
        [FromForm] string username,
        [FromForm] string? returnUrl,
        IOptions<ProxyOptions> options,
        UpstreamSignIn upstreamSignIn,
        TimeProvider time)
    {
        var user = options.Value.Demo.Users.SingleOrDefault(candidate => candidate.Username == username);
        if (user is null)
        {
            return Results.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Unknown demo user.");
        }

        await upstreamSignIn.SignInAsync(httpContext, ToUpstreamIdentity(user, time.GetUtcNow()));
        return Results.LocalRedirect(IsLocal(returnUrl) ? returnUrl! : "/");
    }

    public static UpstreamIdentity ToUpstreamIdentity(DemoUser user, DateTimeOffset authenticatedAt) =>
        new(
            UpstreamProtocols.Demo,
            Issuer,
            user.Username,
            InternalAttributes.SubjectId,
            user.Attributes.ToDictionary(pair => pair.Key, pair => (IReadOnlyList<string>)pair.Value, StringComparer.Ordinal),
            new UpstreamAuthentication(authenticatedAt, user.AuthenticationContextClass));

    /// <summary>Only paths on this server: never an open redirect.</summary>
    private static bool IsLocal(string? url) =>
        !string.IsNullOrEmpty(url) && url[0] == '/' && (url.Length == 1 || (url[1] != '/' && url[1] != '\\'));
}
