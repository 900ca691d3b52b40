using AaiProxy.Server.Web;
using System.Security.Claims;
using AaiProxy.Identity;
using AaiProxy.Server.Session;
using Microsoft.AspNetCore;
using Microsoft.AspNetCore.Authentication;
using OpenIddict.Abstractions;
using OpenIddict.Server.AspNetCore;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace AaiProxy.Server.Oidc;

/// <summary>
/// The OIDC endpoints that need the proxy's own decisions (OpenIddict passthrough): authorization,
/// userinfo, end session. OpenIddict has validated each request before these handlers run.
/// </summary>
internal static class ConnectEndpoints
{
    public const string Authorization = "/connect/authorize";
    public const string Token = "/connect/token";
    public const string UserInfo = "/connect/userinfo";
    public const string Introspection = "/connect/introspect";
    public const string Revocation = "/connect/revoke";
    public const string EndSession = "/connect/logout";
    public const string PushedAuthorization = "/connect/par";
    public const string DeviceAuthorization = "/connect/device";
    public const string Verification = "/connect/verify";
    public const string VerificationDone = "/connect/verify/done";
    public const string Jwks = "/.well-known/jwks";

    public static IEndpointRouteBuilder MapConnectEndpoints(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapMethods(Authorization, [HttpMethods.Get, HttpMethods.Post], AuthorizationEndpoint.HandleAsync)
            .DisableAntiforgery().WithRateLimitedEndpoint(RateLimitedEndpoints.Authorization);
        endpoints.MapUserInfo();
        endpoints.MapMethods(EndSession, [HttpMethods.Get, HttpMethods.Post], EndSessionEndpoint.HandleAsync).DisableAntiforgery();
        // The verification page checks its own antiforgery token (DeviceVerificationEndpoint), as the consent page does.
        endpoints.MapMethods(Verification, [HttpMethods.Get, HttpMethods.Post], DeviceVerificationEndpoint.HandleAsync)
            .DisableAntiforgery().WithRateLimitedEndpoint(RateLimitedEndpoints.Verification);
        endpoints.MapGet(VerificationDone, (string? outcome) => DeviceVerificationPage.Done(outcome));

        // Served by OpenIddict's own handler during authentication, before any endpoint runs; declared as
        // routes so that per-endpoint policies (rate limits) apply to whatever path routing matches to them.
        MapServedByOpenIddict(endpoints, Token, RateLimitedEndpoints.Token);
        MapServedByOpenIddict(endpoints, PushedAuthorization, RateLimitedEndpoints.PushedAuthorization);
        MapServedByOpenIddict(endpoints, DeviceAuthorization, RateLimitedEndpoints.DeviceAuthorization);
        MapServedByOpenIddict(endpoints, Introspection, RateLimitedEndpoints.Introspection);
        MapServedByOpenIddict(endpoints, Revocation, RateLimitedEndpoints.Revocation);
        return endpoints;
    }

    private static void MapServedByOpenIddict(IEndpointRouteBuilder endpoints, string path, string rateLimitedEndpoint) =>
        endpoints.Map(path, () => Results.NotFound()).DisableAntiforgery().WithRateLimitedEndpoint(rateLimitedEndpoint);
}
