using AaiProxy.Server.Configuration;
using System.Collections.Immutable;
using System.Security.Claims;
using OpenIddict.Abstractions;
using OpenIddict.Server;
using static OpenIddict.Abstractions.OpenIddictConstants;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace AaiProxy.Server.Oidc;

/// <summary>
/// Every access token has an explicit audience (RFC 9068 §3, RFC 8707). OpenIddict has already refused
/// a <c>resource</c> that is not registered or not among the client's <see cref="ClientOptions.Resources"/>
/// (<c>invalid_target</c>). A new grant (authorization endpoint, client credentials) is for the requested
/// resources, else the client's <see cref="ClientOptions.DefaultAudience"/>; the grant's resources travel in
/// its code and refresh tokens, and OpenIddict makes them the access token's <c>aud</c>. A grant that named no
/// resource is marked (<see cref="DefaultedClaim"/>): its later token requests may name any resource of the client.
/// </summary>
internal sealed class GrantResources(ClientCatalog clients) : IOpenIddictServerHandler<ProcessSignInContext>
{
    public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
        OpenIddictServerHandlerDescriptor.CreateBuilder<ProcessSignInContext>()
            .UseSingletonHandler<GrantResources>()
            .SetOrder(OpenIddictServerHandlers.InferResources.Descriptor.Order - 500)
            .SetType(OpenIddictServerHandlerType.Custom)
            .Build();

    /// <summary>Private claim (OpenIddict's own tokens only): the grant named no resource, so it is for the client's.</summary>
    public const string DefaultedClaim = "aaiproxy_default_resources";

    public ValueTask HandleAsync(ProcessSignInContext context)
    {
        var principal = context.Principal!;
        if (principal.GetResources().IsEmpty && context.Request.ClientId is { } clientId)
        {
            Apply(principal, context.Request.GetResources(), clients, clientId);
        }

        return default;
    }

    /// <summary>Makes a new grant of <paramref name="clientId"/> for <paramref name="requested"/>, or, when it names none, for the client's default audience.</summary>
    private static void Apply(ClaimsPrincipal principal, ImmutableArray<string> requested, ClientCatalog clients, string clientId)
    {
        if (!requested.IsDefaultOrEmpty)
        {
            principal.SetResources(requested);
            return;
        }

        principal.SetResources([clients.Find(clientId)?.DefaultAudience ?? clientId]);
        principal.SetClaim(DefaultedClaim, "true");
    }

    /// <summary>The grant made at the device authorization endpoint (its resources, defaulted or not), for the
    /// principal the person approves at the verification endpoint.</summary>
    public static void Inherit(ClaimsPrincipal principal, ClaimsPrincipal deviceRequest)
    {
        principal.SetResources(deviceRequest.GetResources());
        principal.SetClaim(DefaultedClaim, deviceRequest.GetClaim(DefaultedClaim));
    }
}

/// <summary>
/// RFC 8707 §2: a <c>resource</c> the client may not use is <c>invalid_target</c>. Runs just before
/// OpenIddict's own permission check (which would answer <c>invalid_request</c>) at the authorization,
/// pushed authorization and token endpoints.
/// </summary>
internal sealed class ClientResourcesOnly<TContext>(ClientCatalog clients) : IOpenIddictServerHandler<TContext>
    where TContext : BaseValidatingContext
{
    public static OpenIddictServerHandlerDescriptor Before(OpenIddictServerHandlerDescriptor permissionCheck) =>
        OpenIddictServerHandlerDescriptor.CreateBuilder<TContext>()
            .UseSingletonHandler<ClientResourcesOnly<TContext>>()
            .SetOrder(permissionCheck.Order - 1)
            .SetType(OpenIddictServerHandlerType.Custom)
            .Build();

    public ValueTask HandleAsync(TContext context)
    {
        var request = context.Transaction.Request!;
        // A token exchange names its targets among the client's TokenExchangeAudiences: TokenExchangeTargets decides.
        if (request.IsTokenExchangeGrantType())
        {
            return default;
        }

        var allowed = request.ClientId is { } clientId ? clients.Find(clientId)?.Resources ?? [] : [];
        if (request.GetResources().Any(resource => !allowed.Contains(resource, StringComparer.Ordinal)))
        {
            context.Reject(Errors.InvalidTarget, "This client may not ask for one of the requested resources.");
        }

        return default;
    }
}

/// <summary>
/// RFC 8707 §2.2: a token request that redeems a code, a device code or a refresh token may name some of the grant's
/// resources; the access token is then for those only (the refresh token keeps the whole grant). A resource
/// outside the grant is <c>invalid_target</c>, unless the grant named none (<see cref="GrantResources.DefaultedClaim"/>):
/// then any resource the client may use (<see cref="ClientResourcesOnly{TContext}"/> has refused the others).
/// </summary>
internal sealed class NarrowAccessTokenAudience : IOpenIddictServerHandler<ProcessSignInContext>
{
    public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
        OpenIddictServerHandlerDescriptor.CreateBuilder<ProcessSignInContext>()
            .UseSingletonHandler<NarrowAccessTokenAudience>()
            .SetOrder(OpenIddictServerHandlers.PrepareAccessTokenPrincipal.Descriptor.Order + 500)
            .SetType(OpenIddictServerHandlerType.Custom)
            .Build();

    public ValueTask HandleAsync(ProcessSignInContext context)
    {
        // Client credentials and token exchange (TokenExchange) choose their audiences themselves.
        if (context.EndpointType != OpenIddictServerEndpointType.Token || context.AccessTokenPrincipal is not { } accessToken ||
            context.Request.IsClientCredentialsGrantType() || context.Request.IsTokenExchangeGrantType())
        {
            return default;
        }

        var requested = context.Request.GetResources();
        if (requested.IsEmpty)
        {
            return default;
        }

        var granted = context.Principal!.GetResources();
        if (context.Principal!.GetClaim(GrantResources.DefaultedClaim) is null && requested.Except(granted, StringComparer.Ordinal).Any())
        {
            context.Reject(Errors.InvalidTarget, "A requested resource is not part of this grant.");
            return default;
        }

        accessToken.SetAudiences(ImmutableArray.CreateRange(requested));
        return default;
    }
}

/// <summary>
/// oidc-agent's <c>oidc-token --aud=…</c> and other command-line tools name the token's audience with <c>audience</c>
/// (space-separated) instead of RFC 8707's <c>resource</c>. OpenIddict allows <c>audience</c> only for token exchange;
/// on refresh-token and device-code grants it is read as the same resource indicators, before any validation, so
/// the resource rules apply to it unchanged (<c>invalid_target</c> for one the client may not use).
/// </summary>
internal sealed class AudienceAsResource : IOpenIddictServerHandler<ValidateTokenRequestContext>
{
    public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
        OpenIddictServerHandlerDescriptor.CreateBuilder<ValidateTokenRequestContext>()
            .UseSingletonHandler<AudienceAsResource>()
            .SetOrder(OpenIddictServerHandlers.Exchange.ValidateGrantType.Descriptor.Order - 1)
            .SetType(OpenIddictServerHandlerType.Custom)
            .Build();

    public ValueTask HandleAsync(ValidateTokenRequestContext context)
    {
        var request = context.Request;
        if (!(request.IsRefreshTokenGrantType() || request.IsDeviceCodeGrantType()) || request.GetParameter(Parameters.Audience) is not { } audience)
        {
            return default;
        }

        var audiences = (((ImmutableArray<string?>?)audience) ?? [])
            .SelectMany(value => (value ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        request.SetParameter(Parameters.Resource, new OpenIddictParameter([.. request.GetResources().Union(audiences, StringComparer.Ordinal)]));
        request.SetParameter(Parameters.Audience, null);
        return default;
    }
}
