using System.Text.Json.Nodes;
using AaiProxy.Identity;
using AaiProxy.Server.Groups;
using Microsoft.AspNetCore;
using Microsoft.AspNetCore.Authentication;
using OpenIddict.Abstractions;
using OpenIddict.Server.AspNetCore;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace AaiProxy.Server.Oidc;

/// <summary>
/// The userinfo endpoint (OIDC Core 5.3). OpenIddict has validated the access token (signature, expiry,
/// not revoked) whatever its audiences; the claims are computed afresh from the person's account and the
/// last stored attributes of the upstream link of the token's grant (<see cref="AuthorizationLink"/>),
/// released by the token's scopes to <see cref="ClaimDestinations.UserInfo"/>: never copied from the token.
/// </summary>
internal static class UserInfoEndpoint
{
    public static IEndpointRouteBuilder MapUserInfo(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapMethods(ConnectEndpoints.UserInfo, [HttpMethods.Get, HttpMethods.Post], (Delegate)UserInfoAsync).DisableAntiforgery();
        return endpoints;
    }

    private static async Task<IResult> UserInfoAsync(
        HttpContext httpContext, ICommunityAccountResolver accounts, IOpenIddictAuthorizationManager authorizations, CommunityClaimsComputer claimsComputer,
        GroupReleasePolicies policies)
    {
        var result = await httpContext.AuthenticateAsync(OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
        if (result.Principal is not { } principal)
        {
            return Challenge(Errors.InvalidToken, "The access token is not valid.");
        }

        // A client's own token (client credentials) belongs to no grant of a person: it has no userinfo.
        var grant = principal.GetAuthorizationId() is { } authorizationId
            ? await AuthorizationLink.ReadAsync(authorizations, authorizationId, httpContext.RequestAborted)
            : null;
        var person = grant is var (accountId, linkId)
            ? await accounts.ReloadAsync(accountId, linkId, httpContext.RequestAborted)
            : null;
        if (person is null)
        {
            return Challenge(Errors.InvalidToken, "The access token does not belong to an active person.");
        }

        var scopes = principal.GetScopes();
        if (!scopes.Contains(Scopes.OpenId))
        {
            return Challenge(Errors.InsufficientScope, "The access token was not granted the openid scope.");
        }

        // The client the token was issued to: its group policy shapes the group claims, as in its tokens.
        var clientId = principal.GetPresenters().FirstOrDefault() ?? principal.GetClaim(Claims.ClientId) ?? "";
        var computed = await claimsComputer.ComputeAsync(person, new ClaimsRecipient(clientId, scopes), httpContext.RequestAborted);
        var response = new JsonObject();
        foreach (var (claim, value) in ReleasedClaims.Of(computed, policies.ClaimsFor(clientId), scopes, ClaimDestinations.UserInfo))
        {
            response[claim.Name] = value;
        }

        return Results.Json(response);
    }

    // RFC 6750 §3: OpenIddict answers 401 with WWW-Authenticate: Bearer error="…".
    private static IResult Challenge(string error, string description) =>
        Results.Challenge(OidcErrorProperties.For(error, description), [OpenIddictServerAspNetCoreDefaults.AuthenticationScheme]);
}
