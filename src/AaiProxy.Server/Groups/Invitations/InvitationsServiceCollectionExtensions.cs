namespace AaiProxy.Server.Groups.Invitations;

internal static class InvitationsServiceCollectionExtensions
{
    /// <summary>Invitations, join requests, the expiry reminder service and the sign-in gate of the proxy's group pages (needs the mail sender and the management service).</summary>
    public static IServiceCollection AddProxyInvitations(this IServiceCollection services)
    {
        services.AddSingleton<GroupLinks>();
        services.AddSingleton<SignedInPerson>();
        services.AddScoped<InvitationService>();
        services.AddScoped<JoinRequestService>();
        services.AddSingleton<ExpiryReminderService>();
        services.AddHostedService(provider => provider.GetRequiredService<ExpiryReminderService>());
        return services;
    }
}
