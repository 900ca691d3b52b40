using System.Security.Claims;
using AaiProxy.Identity;
using AaiProxy.Server.Admin;
using AaiProxy.Server.Web;
using Microsoft.AspNetCore;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using OpenIddict.Abstractions;
using OpenIddict.Server.AspNetCore;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace AaiProxy.Server.Oidc;

/// <summary>
/// The device flow's end-user verification endpoint (RFC 8628 §3.3, OpenIddict passthrough). The person signs in
/// first (the proxy session, else an upstream login that returns here with the code); without a code they type it;
/// with a valid one (typed, or from <c>verification_uri_complete</c>) they see which client asks for what and
/// approve or deny it. Approval signs in the same principal the authorization endpoint would build, for the
/// grant's resources decided at the device authorization endpoint (<see cref="GrantResources"/>); OpenIddict binds
/// it to the device code.
/// </summary>
internal static class DeviceVerificationEndpoint
{
    private const string InvalidCode = "This code is not valid or has expired. Check the code your device shows, or start again on the device.";

    public static async Task<IResult> HandleAsync(HttpContext httpContext, SignedInPerson signedIn, ICommunityAccountResolver accounts,
        CommunityPrincipalFactory principals, IOpenIddictApplicationManager applications, IAntiforgery antiforgery, ILogger<DeviceVerificationLog> logger)
    {
        var request = httpContext.GetOpenIddictServerRequest()
            ?? throw new InvalidOperationException("The OpenID Connect request cannot be retrieved.");
        var posted = HttpMethods.IsPost(httpContext.Request.Method);

        // A post whose session has ended comes back as the page with its code, so the person signs in and decides again.
        var returnUrl = ConnectEndpoints.Verification + (request.UserCode is { Length: > 0 } code
            ? QueryString.Create(DeviceVerificationPage.UserCodeParameter, code).ToString()
            : "");
        var (session, signIn) = await signedIn.RequireAsync(httpContext, returnUrl, requireMfa: false);
        if (session is null)
        {
            return signIn!;
        }

        if (string.IsNullOrEmpty(request.UserCode))
        {
            return DeviceVerificationPage.CodeEntry(error: null);
        }

        var userCode = await httpContext.AuthenticateAsync(OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
        if (userCode is not { Succeeded: true, Principal: { } demand } || ClientOf(demand) is not { } clientId)
        {
            Log.DeviceUserCodeRejected(logger, session.AccountId, CorrelationId.Of(httpContext));
            return DeviceVerificationPage.CodeEntry(InvalidCode);
        }

        var identity = (await accounts.ReloadAsync(session.AccountId, session.LinkId, httpContext.RequestAborted))?.WithAuthentication(session.Authentication);
        if (identity is null)
        {
            return ErrorPage.Render(StatusCodes.Status403Forbidden, Errors.AccessDenied, "Your account is not active.", CorrelationId.Of(httpContext));
        }

        var scopes = demand.GetScopes();
        var principal = await principals.CreateAsync(identity, clientId, scopes, session.SessionId, httpContext.RequestAborted);
        if (!posted)
        {
            var application = await applications.FindByClientIdAsync(clientId, httpContext.RequestAborted)
                ?? throw new InvalidOperationException("The client of a valid user code is not stored.");
            var name = await applications.GetDisplayNameAsync(application, httpContext.RequestAborted) ?? clientId;
            var tokens = antiforgery.GetAndStoreTokens(httpContext);
            return DeviceVerificationPage.Approval(name, scopes, principal, request.UserCode, (tokens.FormFieldName, tokens.RequestToken!));
        }

        if (!await antiforgery.IsRequestValidAsync(httpContext))
        {
            return ErrorPage.Render(StatusCodes.Status400BadRequest, "invalid_device_verification",
                "This answer did not come from this service's page, or the page is too old. Open the link your device shows again.",
                CorrelationId.Of(httpContext));
        }

        if ((string?)request.GetParameter(DeviceVerificationPage.DecisionParameter) != ConsentDecision.Allow)
        {
            Log.DeviceDenied(logger, clientId, session.AccountId);
            return Results.Forbid(new AuthenticationProperties { RedirectUri = DeviceVerificationPage.DoneUrl(approved: false) },
                [OpenIddictServerAspNetCoreDefaults.AuthenticationScheme]);
        }

        GrantResources.Inherit(principal, demand);
        principal.SetClaim(Claims.AuthenticationTime, session.Authentication.AuthenticatedAt.ToUnixTimeSeconds());
        principal.SetDestinations(claim => claim.Type == Claims.AuthenticationTime ? [Destinations.IdentityToken] : claim.GetDestinations());
        Log.DeviceApproved(logger, clientId, session.AccountId, string.Join(' ', scopes));
        return Results.SignIn(principal, new AuthenticationProperties { RedirectUri = DeviceVerificationPage.DoneUrl(approved: true) },
            OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
    }

    private static string? ClientOf(ClaimsPrincipal demand) =>
        demand.GetClaim(Claims.ClientId) ?? demand.GetPresenters().FirstOrDefault();
}

/// <summary>Log category of the device verification endpoint.</summary>
internal sealed class DeviceVerificationLog;
