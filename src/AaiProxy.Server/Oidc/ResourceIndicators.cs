using AaiProxy.Server.Configuration;
using System.Collections.Immutable;
using Microsoft.Extensions.Options;
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
/// its code and refresh tokens, and OpenIddict makes them the access token's <c>aud</c>.
/// </summary>
internal sealed class GrantResources(IOptions<ProxyOptions> options) : IOpenIddictServerHandler<ProcessSignInContext>
{
    public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
        OpenIddictServerHandlerDescriptor.CreateBuilder<ProcessSignInContext>()
            .UseSingletonHandler<GrantResources>()
            .SetOrder(OpenIddictServerHandlers.InferResources.Descriptor.Order - 500)
            .SetType(OpenIddictServerHandlerType.Custom)
            .Build();

    public ValueTask HandleAsync(ProcessSignInContext context)
    {
        var principal = context.Principal!;
        if (principal.GetResources().IsEmpty && context.Request.ClientId is { } clientId)
        {
            var requested = context.Request.GetResources();
            principal.SetResources(requested.IsEmpty ? [DefaultAudience(clientId)] : requested);
        }

        return default;
    }

    private string DefaultAudience(string clientId) => ConfiguredClient.Find(options.Value, clientId)?.DefaultAudience ?? clientId;
}

/// <summary>
/// RFC 8707 §2: a <c>resource</c> the client may not use is <c>invalid_target</c>. Runs just before
/// OpenIddict's own permission check (which would answer <c>invalid_request</c>) at the authorization,
/// pushed authorization and token endpoints.
/// </summary>
internal sealed class ClientResourcesOnly<TContext>(IOptions<ProxyOptions> options) : IOpenIddictServerHandler<TContext>
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

        var allowed = request.ClientId is { } clientId ? ConfiguredClient.Find(options.Value, clientId)?.Resources ?? [] : [];
        if (request.GetResources().Any(resource => !allowed.Contains(resource, StringComparer.Ordinal)))
        {
            context.Reject(Errors.InvalidTarget, "This client may not ask for one of the requested resources.");
        }

        return default;
    }
}

internal static class ConfiguredClient
{
    public static ClientOptions? Find(ProxyOptions options, string clientId) =>
        options.Clients.SingleOrDefault(client => string.Equals(client.ClientId, clientId, StringComparison.Ordinal));
}

/// <summary>
/// RFC 8707 §2.2: a token request that redeems a code or a refresh token may name some of the grant's
/// resources; the access token is then for those only (the refresh token keeps the whole grant). A resource
/// outside the grant is <c>invalid_target</c>.
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
        if (requested.Except(granted, StringComparer.Ordinal).Any())
        {
            context.Reject(Errors.InvalidTarget, "A requested resource is not part of this grant.");
            return default;
        }

        accessToken.SetAudiences(ImmutableArray.CreateRange(requested));
        return default;
    }
}
