using AaiProxy.Server.Upstream.Discovery;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace AaiProxy.Server.Upstream;

internal static class UpstreamServiceCollectionExtensions
{
    /// <summary>The protocol-neutral part of upstream logins: choices, sign-in, sign-out, the login page.</summary>
    public static IServiceCollection AddProxyUpstream(this IServiceCollection services)
    {
        services.AddSingleton<UpstreamChoices>();
        services.AddSingleton<UpstreamErrorRelay>();
        services.AddSingleton<LoginRequests>();
        services.AddSingleton<UpstreamLoginStart>();
        services.AddScoped<UpstreamSignIn>();
        services.TryAddSingleton<IPreRegisteredIdentities, NoPreRegisteredIdentities>();
        services.AddScoped<UpstreamLogout>();
        services.AddDiscovery();
        return services;
    }
}
