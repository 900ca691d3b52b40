using System.Globalization;
using System.Threading.RateLimiting;
using AaiProxy.Server.Configuration;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;
using StackExchange.Redis;

namespace AaiProxy.Server.Web;

/// <summary>The endpoints that take credentials or start logins, each with a bucket of its own per caller.</summary>
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
    public const string GateSignIn = "gate-sign-in";

    /// <summary>Every name, for validating <c>AaiProxy:RateLimiting:Endpoints</c>.</summary>
    public static IReadOnlyList<string> All { get; } =
        [Token, Authorization, PushedAuthorization, DeviceAuthorization, Registration, Verification, Introspection, Revocation, Login, Discovery, AssertionConsumerService, Api, GateSignIn];

    /// <summary>Endpoints a client authenticates to: their buckets are per client id (else per IP address).</summary>
    public static bool IsPerClient(string name) =>
        name is Token or PushedAuthorization or DeviceAuthorization or Introspection or Revocation;
}

/// <summary>Route metadata naming the rate-limited endpoint a request was routed to.</summary>
public sealed record RateLimitedEndpoint(string Name);

internal static class RateLimiting
{
    /// <summary>Limits requests routed to this endpoint per caller, in a bucket of its own. The decision
    /// follows routing (so <c>/connect/token/</c> and <c>/CONNECT/TOKEN</c> count as the token endpoint), not the raw path.</summary>
    public static TBuilder WithRateLimitedEndpoint<TBuilder>(this TBuilder builder, string name) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new RateLimitedEndpoint(name));

    public static IServiceCollection AddProxyRateLimiting(this IServiceCollection services)
    {
        services.AddRateLimiter(_ => { });
        services.AddSingleton(provider => new RateLimitBuckets(
            provider.GetRequiredService<IOptions<ProxyOptions>>().Value.RateLimiting,
            provider.GetService<IConnectionMultiplexer>(),
            provider.GetRequiredService<TimeProvider>(),
            provider.GetRequiredService<ILogger<RateLimitBuckets>>()));
        services.AddOptions<RateLimiterOptions>()
            .Configure<IServiceProvider>((limiter, provider) =>
            {
                limiter.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
                limiter.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(httpContext =>
                    httpContext.GetEndpoint()?.Metadata.GetMetadata<RateLimitedEndpoint>() is { } endpoint
                        ? provider.GetRequiredService<RateLimitBuckets>().Partition(endpoint.Name, RateLimitCaller.Of(httpContext))
                        : RateLimitPartition.GetNoLimiter(string.Empty));
                limiter.OnRejected = (context, _) =>
                {
                    // The body is written by the status-code pages (ErrorHandling): problem details for APIs, the error page for people.
                    var retryAfter = RateLimitBuckets.RetryAfter(context.Lease)
                                     ?? provider.GetRequiredService<IOptions<ProxyOptions>>().Value.RateLimiting
                                         .For(context.HttpContext.GetEndpoint()?.Metadata.GetMetadata<RateLimitedEndpoint>()?.Name ?? string.Empty).Window;
                    context.HttpContext.Response.Headers[HeaderNames.RetryAfter] =
                        Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
                    return ValueTask.CompletedTask;
                };
            });
        return services;
    }

    /// <summary>The rate limiter, after routing; on the endpoints clients authenticate to it first finds the client id
    /// (<see cref="RateLimitCaller"/>), which needs the form read asynchronously.</summary>
    public static IApplicationBuilder UseProxyRateLimiter(this IApplicationBuilder app)
    {
        app.Use(async (context, next) =>
        {
            if (context.GetEndpoint()?.Metadata.GetMetadata<RateLimitedEndpoint>() is { } endpoint && RateLimitedEndpoints.IsPerClient(endpoint.Name))
            {
                await RateLimitCaller.ReadClientIdAsync(context);
            }

            await next(context);
        });
        return app.UseRateLimiter();
    }
}
