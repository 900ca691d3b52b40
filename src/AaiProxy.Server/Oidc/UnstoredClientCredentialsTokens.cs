using AaiProxy.Server.Configuration;
using OpenIddict.Abstractions;
using OpenIddict.Server;
using static OpenIddict.Abstractions.OpenIddictConstants;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace AaiProxy.Server.Oidc;

/// <summary>
/// For a client configured with <see cref="ClientOptions.StoreClientCredentialsTokens"/> false, the
/// access tokens of its client-credentials grant get no token entry (no database write per token; node's
/// oidc-provider stores none either): they cannot be revoked, only expire (<c>docs/claims.md</c>).
/// Every other token, and every token of other clients, is stored as before.
/// </summary>
internal sealed class UnstoredClientCredentialsTokens(ClientCatalog clients) : IOpenIddictServerHandler<GenerateTokenContext>
{
    public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
        OpenIddictServerHandlerDescriptor.CreateBuilder<GenerateTokenContext>()
            .UseSingletonHandler<UnstoredClientCredentialsTokens>()
            .SetOrder(OpenIddictServerHandlers.Protection.CreateTokenEntry.Descriptor.Order - 500)
            .SetType(OpenIddictServerHandlerType.Custom)
            .Build();

    public ValueTask HandleAsync(GenerateTokenContext context)
    {
        if (context.TokenType == TokenTypeIdentifiers.AccessToken && !context.IsReferenceToken &&
            context.Request is { } request && request.IsClientCredentialsGrantType() &&
            request.ClientId is { } clientId && clients.Find(clientId) is { StoreClientCredentialsTokens: false })
        {
            context.CreateTokenEntry = false;
        }

        return default;
    }
}
