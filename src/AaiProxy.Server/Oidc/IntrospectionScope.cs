using OpenIddict.Abstractions;
using OpenIddict.Server;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace AaiProxy.Server.Oidc;

/// <summary>
/// RFC 7662 §2.2: an active token's introspection names its <c>scope</c>. OpenIddict has already refused
/// a caller that is neither among the token's audiences nor the client it was issued to (the answer is
/// then <c>active: false</c>), and attached <c>sub</c>, <c>client_id</c>, <c>exp</c> and <c>aud</c>; it only
/// lists scopes for some callers, so this lists them for every authorised one.
/// </summary>
internal sealed class IntrospectionScope : IOpenIddictServerHandler<HandleIntrospectionRequestContext>
{
    public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
        OpenIddictServerHandlerDescriptor.CreateBuilder<HandleIntrospectionRequestContext>()
            .UseSingletonHandler<IntrospectionScope>()
            .SetOrder(OpenIddictServerHandlers.Introspection.AttachMetadataClaims.Descriptor.Order + 500)
            .SetType(OpenIddictServerHandlerType.Custom)
            .Build();

    public ValueTask HandleAsync(HandleIntrospectionRequestContext context)
    {
        if (context.GenericTokenPrincipal is { } principal)
        {
            context.Scopes.UnionWith(principal.GetScopes());
        }

        return default;
    }
}
