using System.Globalization;
using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.Extensions.Options;

namespace AaiProxy.Server.Gate;

/// <summary>
/// The gate's sign-in flow: asks for a token for the gate's audience (RFC 8707 <c>resource</c>), keeps in the gate
/// cookie that access token alone with the person's <c>sub</c>, expiring when the token does, and turns a failed
/// callback into a problem page.
/// </summary>
internal sealed class GateSignInEvents(IOptions<GateOptions> gate, TimeProvider time, ILogger<GateSignInEvents> logger) : OpenIdConnectEvents
{
    public override Task RedirectToIdentityProvider(RedirectContext context)
    {
        context.ProtocolMessage.Resource = gate.Value.Audience;
        return Task.CompletedTask;
    }

    public override Task TokenValidated(TokenValidatedContext context)
    {
        var accessToken = context.TokenEndpointResponse?.AccessToken;
        var subject = context.Principal?.FindFirst("sub")?.Value;
        if (string.IsNullOrEmpty(accessToken) || string.IsNullOrEmpty(subject))
        {
            context.Fail("The proxy's token response held no access token or no subject.");
            return Task.CompletedTask;
        }

        // A bounded cookie: who (for the log) and the token /gate/check validates; nothing else of the ID token.
        context.Principal = new ClaimsPrincipal(new ClaimsIdentity([new Claim("sub", subject)], GateSignInSchemes.Cookie, "sub", null));
        var properties = context.Properties!;
        properties.StoreTokens([new AuthenticationToken { Name = GateSignInSchemes.AccessTokenName, Value = accessToken }]);
        properties.IsPersistent = false;
        properties.AllowRefresh = false;
        properties.IssuedUtc = time.GetUtcNow();
        properties.ExpiresUtc = int.TryParse(context.TokenEndpointResponse!.ExpiresIn, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)
            ? properties.IssuedUtc + TimeSpan.FromSeconds(seconds)
            : properties.IssuedUtc;
        Log.GateSignedIn(logger, subject, context.Request.Host.ToUriComponent());
        return Task.CompletedTask;
    }

    public override async Task RemoteFailure(RemoteFailureContext context)
    {
        context.HandleResponse();
        Log.GateSignInFailed(logger, context.Request.Host.ToUriComponent(), context.Failure?.Message ?? "unknown");
        await Results.Problem(statusCode: StatusCodes.Status400BadRequest, title: "gate_sign_in_failed",
            detail: "Signing in to the download service did not complete (it may have been started in another window or taken too long). Follow the download link again.")
            .ExecuteAsync(context.HttpContext);
    }
}
