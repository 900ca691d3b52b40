using AaiProxy.Server.Configuration;
using OpenIddict.Abstractions;
using OpenIddict.Server;
using static OpenIddict.Abstractions.OpenIddictConstants;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace AaiProxy.Server.Oidc;

/// <summary>
/// How an access token is stored, decided per token from its client's settings (declared or managed), before OpenIddict
/// creates the token entry; one client lookup per token.
/// <list type="bullet">
/// <item><see cref="ClientOptions.AccessTokenFormat"/> <see cref="AccessTokenFormat.Reference"/>: an opaque reference token.
/// OpenIddict's <c>UseReferenceAccessTokens</c> would switch every client; per token, its
/// <see cref="GenerateTokenContext.IsReferenceToken"/> does the same for one: the JWT is built as for any client and kept as
/// the token entry's payload, and the client receives a random 256-bit reference id instead. Whoever holds it checks it at
/// the introspection endpoint (RFC 7662), which looks the entry up, so a revocation (of the token, its grant or the
/// account) makes it inactive at once.</item>
/// <item><see cref="ClientOptions.StoreClientCredentialsTokens"/> false: the access tokens of its client-credentials grant
/// get no token entry (no database write per token; node's oidc-provider stores none either): they cannot be revoked, only
/// expire (<c>docs/claims.md</c>).</item>
/// </list>
/// Every other token, and every token of other clients, is stored as before.
/// </summary>
internal sealed class AccessTokenStorage(ClientCatalog clients) : IOpenIddictServerHandler<GenerateTokenContext>
{
    public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
        OpenIddictServerHandlerDescriptor.CreateBuilder<GenerateTokenContext>()
            .UseSingletonHandler<AccessTokenStorage>()
            .SetOrder(OpenIddictServerHandlers.Protection.CreateTokenEntry.Descriptor.Order - 1_000)
            .SetType(OpenIddictServerHandlerType.Custom)
            .Build();

    public ValueTask HandleAsync(GenerateTokenContext context)
    {
        if (context.TokenType != TokenTypeIdentifiers.AccessToken || context.ClientId is not { } clientId ||
            clients.Find(clientId) is not { } client)
        {
            return default;
        }

        if (client.AccessTokenFormat == AccessTokenFormat.Reference && !context.Options.DisableTokenStorage)
        {
            // The entry must be created, to hold the payload.
            context.IsReferenceToken = true;
            context.PersistTokenPayload = true;
            context.CreateTokenEntry = true;
        }
        else if (!client.StoreClientCredentialsTokens && context.Request is { } request && request.IsClientCredentialsGrantType())
        {
            context.CreateTokenEntry = false;
        }

        return default;
    }
}
