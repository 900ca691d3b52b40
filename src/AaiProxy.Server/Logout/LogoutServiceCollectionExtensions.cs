namespace AaiProxy.Server.Logout;

internal static class LogoutServiceCollectionExtensions
{
    /// <summary>Clients hear of sign-outs (Back-Channel Logout 1.0): the notifier, its delivery queue and HTTP client.</summary>
    public static IServiceCollection AddProxyClientLogout(this IServiceCollection services)
    {
        services.AddScoped<ClientLogout>();
        services.AddSingleton<BackChannelLogoutSender>();
        services.AddHostedService(provider => provider.GetRequiredService<BackChannelLogoutSender>());
        // §2.5: the client answers the POST itself; a redirect is not followed.
        services.AddHttpClient(BackChannelLogoutSender.HttpClientName)
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { AllowAutoRedirect = false });
        services.AddOpenIddict().AddServer(server => server.AddEventHandler(BackChannelLogoutDiscovery.Descriptor));
        return services;
    }
}
