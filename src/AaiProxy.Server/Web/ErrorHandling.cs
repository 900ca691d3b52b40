using Microsoft.AspNetCore;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.Net.Http.Headers;

namespace AaiProxy.Server.Web;

/// <summary>
/// Errors: people get a page with a correlation id (also in the log line); API clients get RFC 7807
/// problem details; OAuth/OIDC endpoint errors stay as OpenIddict writes them, except errors that
/// must not be redirected (unknown client, bad redirect URI), which become the page.
/// </summary>
internal static class ErrorHandling
{
    public const string ErrorPath = "/error";

    public static IApplicationBuilder UseProxyErrorHandling(this IApplicationBuilder app)
    {
        app.UseExceptionHandler(ErrorPath);
        app.UseStatusCodePages(RenderStatusCodeAsync);
        return app;
    }

    public static IEndpointRouteBuilder MapErrorPage(this IEndpointRouteBuilder endpoints)
    {
        endpoints.Map(ErrorPath, (HttpContext httpContext, ILogger<ErrorPage> logger) =>
        {
            var correlationId = CorrelationId.Of(httpContext);
            if (httpContext.Features.Get<IExceptionHandlerFeature>() is { } failure)
            {
                Log.UnhandledError(logger, failure.Error, correlationId);
            }

            return WantsHtml(httpContext.Request)
                ? ErrorPage.Render(StatusCodes.Status500InternalServerError, "server_error", "Something went wrong on our side.", correlationId)
                : Results.Problem(statusCode: StatusCodes.Status500InternalServerError, title: "An unexpected error occurred.",
                    extensions: new Dictionary<string, object?> { ["traceId"] = correlationId });
        }).DisableAntiforgery();
        return endpoints;
    }

    private static async Task RenderStatusCodeAsync(StatusCodeContext context)
    {
        var httpContext = context.HttpContext;
        var correlationId = CorrelationId.Of(httpContext);
        var oidcError = httpContext.GetOpenIddictServerResponse();

        if (oidcError is { Error: not null } || WantsHtml(httpContext.Request))
        {
            var status = httpContext.Response.StatusCode;
            var code = oidcError?.Error ?? $"http_{status}";
            var description = oidcError?.ErrorDescription ?? ReasonPhrase(status);
            var logger = httpContext.RequestServices.GetRequiredService<ILogger<ErrorPage>>();
            Log.ErrorPageShown(logger, status, code, description, correlationId);
            await ErrorPage.Render(status, code, description, correlationId).ExecuteAsync(httpContext);
            return;
        }

        await Results.Problem(statusCode: httpContext.Response.StatusCode,
            extensions: new Dictionary<string, object?> { ["traceId"] = correlationId }).ExecuteAsync(httpContext);
    }

    private static bool WantsHtml(HttpRequest request) =>
        request.GetTypedHeaders().Accept.Any(accept => accept.MediaType.Equals("text/html", StringComparison.OrdinalIgnoreCase));

    private static string ReasonPhrase(int status) =>
        Microsoft.AspNetCore.WebUtilities.ReasonPhrases.GetReasonPhrase(status);
}

/// <summary>The page a person sees when a browser flow fails.</summary>
internal sealed class ErrorPage
{
    public const string Title = "Sign-in could not be completed";

    public static IResult Render(int status, string error, string? description, string correlationId) =>
        HtmlPage.Render(Title,
            $"""
            <p>{HtmlPage.Encode(description)}</p>
            <p>Error: <code>{HtmlPage.Encode(error)}</code></p>
            <p>If you contact support, quote this correlation id: <code id="correlation-id" data-correlation-id>{HtmlPage.Encode(correlationId)}</code></p>
            """,
            status);
}
