using System.Threading.RateLimiting;
using AaiProxy.Server.Configuration;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace AaiProxy.Server.Web;

/// <summary>The endpoints that take credentials or start logins, each with a bucket of its own per client IP.</summary>
public static class RateLimitedEndpoints
{
    public const string Token = "token";
    public const string Authorization = "authorize";
    public const string PushedAuthorization = "par";
    public const string DeviceAuthorization = "device";
    public const string Registration = "register";
    public const string Verification = "verify";
    public const string Introspection = "introspect";
    public const string Revocation = "revoke";
    public const string Login = "login";
    public const string Discovery = "discovery";
    public const string AssertionConsumerService = "acs";
    public const string Api = "api";
}

/// <summary>Route metadata naming the rate-limited endpoint a request was routed to.</summary>
public sealed record RateLimitedEndpoint(string Name);

internal static class RateLimiting
{
    /// <summary>Limits requests routed to this endpoint per client IP, in a bucket of its own. The decision
    /// follows routing (so <c>/connect/token/</c> and <c>/CONNECT/TOKEN</c> count as the token endpoint), not the raw path.</summary>
    public static TBuilder WithRateLimitedEndpoint<TBuilder>(this TBuilder builder, string name) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new RateLimitedEndpoint(name));

    public static IServiceCollection AddProxyRateLimiting(this IServiceCollection services)
    {
        services.AddRateLimiter(_ => { });
        services.AddOptions<RateLimiterOptions>()
            .Configure<IOptions<ProxyOptions>>((limiter, proxy) =>
            {
                var limits = proxy.Value.RateLimiting;
                limiter.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
                limiter.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, (string, string)>(httpContext =>
                    httpContext.GetEndpoint()?.Metadata.GetMetadata<RateLimitedEndpoint>() is { } endpoint
                        ? RateLimitPartition.GetFixedWindowLimiter(
                            (endpoint.Name, httpContext.Connection.RemoteIpAddress?.ToString() ?? "unknown"),
                            _ => limits.For(endpoint.Name))
                        : RateLimitPartition.GetNoLimiter((string.Empty, string.Empty)));
            });
        return services;
    }
}
