using System.Threading.RateLimiting;
using AaiProxy.Server.Hosting;
using AaiProxy.Server.Oidc;
using AaiProxy.Server.Saml;
using AaiProxy.Server.Session;
using Microsoft.Extensions.Options;

namespace AaiProxy.Server.Web;

internal static class WebServiceCollectionExtensions
{
    /// <summary>Paths that take credentials or start logins: limited per client IP.</summary>
    private static readonly string[] RateLimitedPaths =
        [ConnectEndpoints.Token, ConnectEndpoints.Authorization, ConnectEndpoints.PushedAuthorization, SessionDefaults.LoginPath,
         SamlPaths.Login, SamlPaths.AssertionConsumerService];

    public static IServiceCollection AddProxyWeb(this IServiceCollection services)
    {
        services.AddProblemDetails();
        services.AddAntiforgery(options =>
        {
            options.Cookie.Name = "AaiProxy.Antiforgery";
            options.Cookie.SecurePolicy = Microsoft.AspNetCore.Http.CookieSecurePolicy.SameAsRequest;
        });

        // The OIDC endpoints are served by OpenIddict's middleware, not by routed endpoints, so the limit
        // is a global limiter partitioned by path and client IP rather than an endpoint policy.
        services.AddRateLimiter(_ => { });
        services.AddOptions<Microsoft.AspNetCore.RateLimiting.RateLimiterOptions>()
            .Configure<IOptions<ProxyOptions>>((limiter, proxy) =>
            {
                var limits = proxy.Value.RateLimiting;
                limiter.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
                limiter.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(httpContext =>
                    RateLimitedPaths.Contains(httpContext.Request.Path.Value, StringComparer.OrdinalIgnoreCase)
                        ? RateLimitPartition.GetFixedWindowLimiter(
                            httpContext.Connection.RemoteIpAddress?.ToString() ?? "unknown",
                            _ => new FixedWindowRateLimiterOptions { PermitLimit = limits.PermitLimit, Window = limits.Window })
                        : RateLimitPartition.GetNoLimiter(""));
            });
        return services;
    }

    /// <summary>Headers on every response: no MIME sniffing, no framing, no referrer leaking codes or state.</summary>
    public static IApplicationBuilder UseSecurityHeaders(this IApplicationBuilder app) =>
        app.Use((httpContext, next) =>
        {
            var headers = httpContext.Response.Headers;
            headers.XContentTypeOptions = "nosniff";
            headers.ContentSecurityPolicy = "frame-ancestors 'none'";
            headers["Referrer-Policy"] = "no-referrer";
            return next(httpContext);
        });
}
