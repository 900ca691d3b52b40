using AaiProxy.Server.Operations;
using OpenIddict.Abstractions;
using OpenIddict.Server;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace AaiProxy.Server.Oidc;

/// <summary>Counts token responses that issued tokens, by grant type and client (<see cref="ProxyMetrics"/>).</summary>
internal sealed class TokenMetrics(ProxyMetrics metrics) : IOpenIddictServerHandler<ApplyTokenResponseContext>
{
    public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
        OpenIddictServerHandlerDescriptor.CreateBuilder<ApplyTokenResponseContext>()
            .UseSingletonHandler<TokenMetrics>()
            .SetOrder(int.MinValue + 50_000)
            .SetType(OpenIddictServerHandlerType.Custom)
            .Build();

    public ValueTask HandleAsync(ApplyTokenResponseContext context)
    {
        if (context.Response.AccessToken is not null && context.Request?.GrantType is { } grant)
        {
            metrics.TokensIssued(grant, context.Request.ClientId);
        }

        return ValueTask.CompletedTask;
    }
}
