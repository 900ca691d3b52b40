using OpenIddict.Server;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace AaiProxy.Server.Logout;

/// <summary>Back-Channel Logout 1.0 §2.1 and Front-Channel Logout 1.0 §3: discovery says the proxy sends logout tokens
/// and loads front-channel logout URIs, with <c>sid</c> (<see cref="ClientLogout"/>; every ID token carries the session's <c>sid</c>).</summary>
internal sealed class BackChannelLogoutDiscovery : IOpenIddictServerHandler<HandleConfigurationRequestContext>
{
    public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
        OpenIddictServerHandlerDescriptor.CreateBuilder<HandleConfigurationRequestContext>()
            .UseSingletonHandler<BackChannelLogoutDiscovery>()
            .SetOrder(int.MaxValue - 100_000)
            .SetType(OpenIddictServerHandlerType.Custom)
            .Build();

    public ValueTask HandleAsync(HandleConfigurationRequestContext context)
    {
        context.Metadata["backchannel_logout_supported"] = true;
        context.Metadata["backchannel_logout_session_supported"] = true;
        context.Metadata["frontchannel_logout_supported"] = true;
        context.Metadata["frontchannel_logout_session_supported"] = true;
        return ValueTask.CompletedTask;
    }
}
