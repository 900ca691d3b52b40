using System.Security.Claims;
using AaiProxy.Identity;
using AaiProxy.Server.Saml;
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
    public const string Jwks = "/.well-known/jwks";

    public static IEndpointRouteBuilder MapConnectEndpoints(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapMethods(Authorization, [HttpMethods.Get, HttpMethods.Post], (Delegate)AuthorizeAsync).DisableAntiforgery();
        endpoints.MapUserInfo();
        endpoints.MapMethods(EndSession, [HttpMethods.Get, HttpMethods.Post], (Delegate)EndSessionAsync).DisableAntiforgery();
        return endpoints;
    }

    private static async Task<IResult> AuthorizeAsync(
        HttpContext httpContext, ICommunityAccountResolver accounts, CommunityPrincipalFactory principals, TimeProvider time)
    {
        var request = httpContext.GetOpenIddictServerRequest()
            ?? throw new InvalidOperationException("The OpenID Connect request cannot be retrieved.");

        var session = await httpContext.AuthenticateAsync(SessionDefaults.Scheme);
        var reloaded = session.Succeeded && CommunityPrincipalFactory.ReadAccount(session.Principal) is var (accountId, linkId)
            ? (await accounts.ReloadAsync(accountId, linkId, httpContext.RequestAborted))?.WithAuthentication(SessionAuthentication.Of(session))
            : null;

        var fresh = request.HasPromptValue(PromptValues.Login) || MaxAgeExceeded(request, session, time) ||
                    !SatisfiesRequestedContext(request, reloaded);
        if (reloaded is null || fresh)
        {
            if (request.HasPromptValue(PromptValues.None))
            {
                return Forbid(Errors.LoginRequired, "The user is not signed in.");
            }

            // Come back to this same request (minus prompt=login, or the loop never ends) after the upstream
            // login, which asks the IdP for the requested authentication context and a fresh login if needed.
            var parameters = httpContext.Request.HasFormContentType ? httpContext.Request.Form.ToList() : httpContext.Request.Query.ToList();
            parameters.RemoveAll(parameter => parameter.Key == Parameters.Prompt);
            var returnUrl = httpContext.Request.PathBase + httpContext.Request.Path + QueryString.Create(parameters);
            return Results.Redirect(LoginPage.Url(returnUrl, request.AcrValues, fresh));
        }

        var principal = await principals.CreateAsync(reloaded, request.GetScopes(), httpContext.RequestAborted);
        if (session.Properties?.IssuedUtc is { } authenticatedAt)
        {
            principal.SetClaim(Claims.AuthenticationTime, authenticatedAt.ToUnixTimeSeconds());
            principal.SetDestinations(claim => claim.Type == Claims.AuthenticationTime
                ? [Destinations.IdentityToken]
                : claim.GetDestinations());
        }

        return Results.SignIn(principal, authenticationScheme: OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
    }

    private static async Task<IResult> EndSessionAsync(HttpContext httpContext)
    {
        // A session from an IdP with Single Logout ends there too; the IdP's answer brings the browser
        // back to this same request, which then finds no session and completes below. Only a GET
        // request can be replayed that way; a POSTed end-session request ends the proxy session only.
        if (HttpMethods.IsGet(httpContext.Request.Method) &&
            await SamlEndpoints.TryStartSingleLogoutAsync(httpContext,
                httpContext.Request.PathBase + httpContext.Request.Path + httpContext.Request.QueryString) is { } singleLogout)
        {
            return singleLogout;
        }

        await httpContext.SignOutAsync(SessionDefaults.Scheme);

        // OpenIddict redirects to the validated post_logout_redirect_uri, or else to RedirectUri.
        return Results.SignOut(new AuthenticationProperties { RedirectUri = "/" }, [OpenIddictServerAspNetCoreDefaults.AuthenticationScheme]);
    }

    // A session from a weaker authentication does not satisfy a client asking for, e.g., REFEDS MFA:
    // the person authenticates again upstream, asking the IdP for that context.
    private static bool SatisfiesRequestedContext(OpenIddictRequest request, ResolvedIdentity? session)
    {
        var requested = (request.AcrValues ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return requested.Length == 0 || session is null || requested.Contains(session.Upstream.Authentication.ContextClass);
    }

    private static bool MaxAgeExceeded(OpenIddictRequest request, AuthenticateResult session, TimeProvider time) =>
        request.MaxAge is { } maxAge && session.Properties?.IssuedUtc is { } issued &&
        time.GetUtcNow() - issued > TimeSpan.FromSeconds(maxAge);

    private static IResult Forbid(string error, string description) =>
        Results.Forbid(
            new AuthenticationProperties(new Dictionary<string, string?>
            {
                [OpenIddictServerAspNetCoreConstants.Properties.Error] = error,
                [OpenIddictServerAspNetCoreConstants.Properties.ErrorDescription] = description,
            }),
            [OpenIddictServerAspNetCoreDefaults.AuthenticationScheme]);
}
