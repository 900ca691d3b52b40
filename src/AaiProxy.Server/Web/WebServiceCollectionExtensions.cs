using AaiProxy.Server.Configuration;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.Extensions.Options;

namespace AaiProxy.Server.Web;

internal static class WebServiceCollectionExtensions
{
    public static IServiceCollection AddProxyWeb(this IServiceCollection services)
    {
        services.AddProblemDetails();
        services.AddAntiforgery();
        services.AddOptions<AntiforgeryOptions>().Configure<IOptions<ProxyOptions>, ListeningOrigins>((options, proxy, origins) =>
        {
            var https = origins.PublicOriginIsHttps(proxy.Value);
            options.Cookie.Name = ProxyCookies.Name("AaiProxy.Antiforgery", https);
            options.Cookie.Path = "/";
            options.Cookie.SecurePolicy = https ? CookieSecurePolicy.Always : CookieSecurePolicy.SameAsRequest;
        });

        services.AddProxyRateLimiting();
        services.AddSingleton<BrandingAssets>();
        return services;
    }

    /// <summary>The layout's stylesheet and the operator's logo.</summary>
    public static IEndpointRouteBuilder MapBrandingAssets(this IEndpointRouteBuilder endpoints) => BrandingAssets.Map(endpoints);

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
