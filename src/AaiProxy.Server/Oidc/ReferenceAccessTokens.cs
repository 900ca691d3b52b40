using AaiProxy.Server.Configuration;
using OpenIddict.Abstractions;
using OpenIddict.Server;
using static OpenIddict.Abstractions.OpenIddictConstants;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace AaiProxy.Server.Oidc;

/// <summary>
/// Opaque reference access tokens for the clients that ask for them (<see cref="ClientOptions.AccessTokenFormat"/>
/// <see cref="AccessTokenFormat.Reference"/>, declared or managed). OpenIddict's <c>UseReferenceAccessTokens</c> would
/// switch every client; per token, its <see cref="GenerateTokenContext.IsReferenceToken"/> does the same for one: the JWT
/// is built as for any client and kept as the token entry's payload, and the client receives a random 256-bit reference
/// id instead. Whoever holds it checks it at the introspection endpoint (RFC 7662), which looks the entry up, so a
/// revocation (of the token, its grant or the account) makes it inactive at once. Every other token is unchanged.
/// </summary>
internal sealed class ReferenceAccessTokens(ClientCatalog clients) : IOpenIddictServerHandler<GenerateTokenContext>
{
    public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
        OpenIddictServerHandlerDescriptor.CreateBuilder<GenerateTokenContext>()
            .UseSingletonHandler<ReferenceAccessTokens>()
            // Before the token entry is created (it must be, to hold the payload) and before UnstoredClientCredentialsTokens.
            .SetOrder(OpenIddictServerHandlers.Protection.CreateTokenEntry.Descriptor.Order - 1_000)
            .SetType(OpenIddictServerHandlerType.Custom)
            .Build();

    public ValueTask HandleAsync(GenerateTokenContext context)
    {
        if (context.TokenType == TokenTypeIdentifiers.AccessToken && !context.Options.DisableTokenStorage &&
            context.ClientId is { } clientId && clients.Find(clientId) is { AccessTokenFormat: AccessTokenFormat.Reference })
        {
            context.IsReferenceToken = true;
            context.PersistTokenPayload = true;
            context.CreateTokenEntry = true;
        }

        return default;
    }
}
