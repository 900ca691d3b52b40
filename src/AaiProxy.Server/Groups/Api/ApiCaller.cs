using System.Security.Claims;
using AaiProxy.Server.Configuration;
using AaiProxy.Server.Groups.Management;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
using OpenIddict.Abstractions;
using OpenIddict.Validation.AspNetCore;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace AaiProxy.Server.Groups.Api;

/// <summary>Route metadata: the scopes an endpoint accepts (any one of them).</summary>
public sealed record RequiredScopes(IReadOnlyList<string> Scopes);

/// <summary>Route metadata: how an endpoint's authentication errors are written (without it: problem details).</summary>
public interface IApiErrorWriter
{
    IResult Error(int status, string code, string detail);
}

/// <summary>
/// Authenticates an API request: an access token issued by this proxy for the API's resource
/// (OpenIddict validation against the local server checks signature, lifetime and <c>aud</c>),
/// holding one of the endpoint's scopes. A client-credentials token acts as the client (the user
/// office of its <c>UserOfficeFor</c> facilities); a person's token as that person.
/// </summary>
internal sealed class ApiCaller(IOptions<ProxyOptions> options) : IEndpointFilter
{
    private const string ActorItem = "AaiProxy.Api.Actor";

    public static ManagementActor Actor(HttpContext httpContext) => (ManagementActor)httpContext.Items[ActorItem]!;

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var httpContext = context.HttpContext;
        var result = await httpContext.AuthenticateAsync(OpenIddictValidationAspNetCoreDefaults.AuthenticationScheme);
        var metadata = httpContext.GetEndpoint()?.Metadata;
        var errors = metadata?.GetMetadata<IApiErrorWriter>();
        if (result.Principal is not { } principal)
            return Unauthorized(httpContext, errors, Errors.InvalidToken, "A valid bearer access token for this API is required.");
        var required = metadata?.GetMetadata<RequiredScopes>()?.Scopes ?? [];
        if (required.Count > 0 && !required.Any(principal.HasScope))
            return Insufficient(httpContext, errors, required);
        httpContext.Items[ActorItem] = ActorOf(principal);
        return await next(context);
    }

    private ManagementActor ActorOf(ClaimsPrincipal principal)
    {
        var subject = principal.GetClaim(Claims.Subject) ?? "";
        var clientId = principal.GetClaim(Claims.ClientId) ?? principal.GetPresenters().FirstOrDefault();
        // A client-credentials token has the client as its subject and belongs to no person's grant.
        if (principal.GetAuthorizationId() is null && clientId is not null && subject == clientId)
            return ManagementActor.UserOffice(clientId, ConfiguredUserOffice(clientId));
        return ManagementActor.Person(subject);
    }

    private IReadOnlyList<string> ConfiguredUserOffice(string clientId) =>
        options.Value.Clients.FirstOrDefault(client => client.ClientId == clientId)?.UserOfficeFor ?? [];

    // RFC 6750 §3: the challenge names the error; the body is problem details.
    private static IResult Unauthorized(HttpContext httpContext, IApiErrorWriter? errors, string error, string description)
    {
        httpContext.Response.Headers.WWWAuthenticate = $"Bearer error=\"{error}\", error_description=\"{description}\"";
        return errors?.Error(StatusCodes.Status401Unauthorized, "unauthorized", description)
               ?? ApiResults.Problem(StatusCodes.Status401Unauthorized, "unauthorized", description);
    }

    private static IResult Insufficient(HttpContext httpContext, IApiErrorWriter? errors, IReadOnlyList<string> required)
    {
        var scope = string.Join(' ', required);
        var description = $"The access token holds none of the scopes this endpoint needs: {scope}.";
        httpContext.Response.Headers.WWWAuthenticate = $"Bearer error=\"{Errors.InsufficientScope}\", scope=\"{scope}\"";
        return errors?.Error(StatusCodes.Status403Forbidden, "insufficient_scope", description)
               ?? ApiResults.Problem(StatusCodes.Status403Forbidden, "insufficient_scope", description);
    }
}
