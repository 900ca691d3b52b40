using AaiProxy.Server.Configuration;
using AaiProxy.Server.Oidc;
using AaiProxy.Server.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace AaiProxy.Server.Gate;

/// <summary>
/// The gate's browser sign-in (<see cref="GateBrowserSignInOptions"/>): <c>/gate/oauth2/start</c> and
/// <c>/gate/oauth2/sign_out</c>, served on each download host through its web server; the callback is the OpenID
/// Connect handler's (<see cref="GateSignInSchemes"/>).
/// </summary>
internal static class GateBrowserSignIn
{
    /// <summary>
    /// Registers the schemes when <c>AaiProxy:Gate:BrowserSignIn:ClientId</c> is set: ASP.NET Core knows its schemes when
    /// services are registered (the handler answers its callback path on every request), so this one key is read here;
    /// the rest comes from the bound, validated options.
    /// </summary>
    public static IServiceCollection AddGateBrowserSignIn(this IServiceCollection services, IConfiguration configuration)
    {
        if (string.IsNullOrEmpty(configuration[$"{GateBrowserSignInOptions.SectionName}:{nameof(GateBrowserSignInOptions.ClientId)}"]))
            return services;
        services.AddSingleton<IConfigureOptions<CookieAuthenticationOptions>, GateCookieSetup>();
        services.AddSingleton<IConfigureOptions<OpenIdConnectOptions>, GateOpenIdConnectSetup>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IPostConfigureOptions<OpenIdConnectOptions>, OpenIdConnectPostConfigureOptions>());
        services.AddSingleton<ProxyAsProvider>();
        services.AddScoped<GateSignInEvents>();
        services.AddSingleton(provider =>
        {
            var clientId = provider.GetRequiredService<IOptions<GateOptions>>().Value.BrowserSignIn.ClientId!;
            var client = provider.GetRequiredService<IOptions<ProxyOptions>>().Value.Clients.FirstOrDefault(c => c.ClientId == clientId);
            return new GateDownloadHosts(clientId, client?.RedirectUris ?? []);
        });
        services.AddAuthentication()
            .AddCookie(GateSignInSchemes.Cookie)
            .AddRemoteScheme<OpenIdConnectOptions, OpenIdConnectHandler>(GateSignInSchemes.OpenIdConnect, displayName: null, configureOptions: null);
        return services;
    }

    public static IEndpointRouteBuilder MapGateBrowserSignIn(this IEndpointRouteBuilder endpoints)
    {
        if (!endpoints.ServiceProvider.GetRequiredService<IOptions<GateOptions>>().Value.BrowserSignIn.Enabled)
            return endpoints;
        // Per caller address (the download host's web server forwards it): each start sets cookies and sends to the proxy.
        endpoints.MapGet(GateSignInPaths.Start, Start).WithRateLimitedEndpoint(RateLimitedEndpoints.GateSignIn);
        endpoints.MapGet(GateSignInPaths.SignOut, SignOutAsync);
        return endpoints;
    }

    /// <summary>
    /// The forwarded headers believed on the sign-in paths: besides the client address and scheme, the host, which names
    /// the download host (only from <c>AaiProxy:ReverseProxy</c>'s known proxies). Nowhere else: the proxy's own
    /// endpoints never take their host from a header.
    /// </summary>
    public static ForwardedHeadersOptions ForwardedHeaders(ReverseProxyOptions reverseProxy)
    {
        var options = new ForwardedHeadersOptions
        {
            ForwardedHeaders = Microsoft.AspNetCore.HttpOverrides.ForwardedHeaders.XForwardedFor
                | Microsoft.AspNetCore.HttpOverrides.ForwardedHeaders.XForwardedProto
                | Microsoft.AspNetCore.HttpOverrides.ForwardedHeaders.XForwardedHost,
        };
        ReverseProxyTrust.Apply(options, reverseProxy);
        return options;
    }

    /// <summary>The access token the request's gate cookie holds; null without a valid (protected, unexpired) gate cookie.</summary>
    public static async Task<string?> CookieAccessTokenAsync(HttpContext context)
    {
        var result = await context.AuthenticateAsync(GateSignInSchemes.Cookie);
        return result.Succeeded ? result.Properties.GetTokenValue(GateSignInSchemes.AccessTokenName) : null;
    }

    private static IResult Start(HttpContext context, GateDownloadHosts hosts, ILogger<GateDownloadHosts> logger)
    {
        var returnPath = context.Request.Query[GateSignInPaths.ReturnParameter].ToString() is { Length: > 0 } rd ? rd : "/";
        if (GateReturnPath.Refusal(returnPath) is { } refusal)
            return Refused(logger, "invalid_return_path", $"The return path ({GateSignInPaths.ReturnParameter}) {refusal}: it must be a path on this download host, such as /data/….");
        if (hosts.Refusal(context.Request.Scheme, context.Request.Host) is { } unregistered)
            return Refused(logger, "unregistered_download_host", unregistered);
        return Results.Challenge(new AuthenticationProperties { RedirectUri = returnPath }, [GateSignInSchemes.OpenIdConnect]);
    }

    private static async Task<IResult> SignOutAsync(HttpContext context, IOptions<ProxyOptions> proxy, ILogger<GateDownloadHosts> logger)
    {
        var rd = context.Request.Query[GateSignInPaths.ReturnParameter].ToString();
        if (rd.Length > 0 && GateReturnPath.Refusal(rd) is { } refusal)
            return Refused(logger, "invalid_return_path", $"The return path ({GateSignInPaths.ReturnParameter}) {refusal}: it must be a path on this download host.");
        await context.SignOutAsync(GateSignInSchemes.Cookie);
        // Without a return path, on to the proxy's end-session endpoint: it asks the person to confirm ending the single sign-on.
        return Results.Redirect(rd.Length > 0 ? rd : ProxyAsProvider.Endpoint(proxy.Value.Issuer!, ConnectEndpoints.EndSession));
    }

    private static IResult Refused(ILogger logger, string title, string detail)
    {
        Log.GateSignInRefused(logger, detail);
        return Results.Problem(statusCode: StatusCodes.Status400BadRequest, title: title, detail: detail);
    }
}
