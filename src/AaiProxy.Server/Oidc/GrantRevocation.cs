using OpenIddict.Abstractions;
using OpenIddict.Server;
using static OpenIddict.Abstractions.OpenIddictConstants;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace AaiProxy.Server.Oidc;

/// <summary>
/// RFC 7009 §2.1: revoking a refresh token also revokes the access tokens of the same grant. OpenIddict
/// revokes the refresh token's own entry; this revokes the authorization it belongs to and every token
/// of it. Access tokens are stored, so introspection and userinfo then treat them as inactive (a resource
/// server validating the JWT offline only learns it at expiry).
/// </summary>
internal sealed class GrantRevocation(IOpenIddictAuthorizationManager authorizations, IOpenIddictTokenManager tokens)
    : IOpenIddictServerHandler<HandleRevocationRequestContext>
{
    public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
        OpenIddictServerHandlerDescriptor.CreateBuilder<HandleRevocationRequestContext>()
            .UseScopedHandler<GrantRevocation>()
            .SetOrder(OpenIddictServerHandlers.Revocation.RevokeToken.Descriptor.Order + 1_000)
            .SetType(OpenIddictServerHandlerType.Custom)
            .Build();

    public async ValueTask HandleAsync(HandleRevocationRequestContext context)
    {
        if (context.GenericTokenPrincipal is not { } principal || !principal.HasTokenType(TokenTypeIdentifiers.RefreshToken) ||
            principal.GetAuthorizationId() is not { } authorizationId)
        {
            return;
        }

        if (await authorizations.FindByIdAsync(authorizationId, context.CancellationToken) is { } authorization)
        {
            await authorizations.TryRevokeAsync(authorization, context.CancellationToken);
        }

        await tokens.RevokeByAuthorizationIdAsync(authorizationId, context.CancellationToken);
    }
}
