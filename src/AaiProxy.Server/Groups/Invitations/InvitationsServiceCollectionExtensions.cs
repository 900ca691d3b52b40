namespace AaiProxy.Server.Groups.Invitations;

internal static class InvitationsServiceCollectionExtensions
{
    /// <summary>Invitations, join requests and the expiry reminder service (they need the mail sender and the management service).</summary>
    public static IServiceCollection AddProxyInvitations(this IServiceCollection services)
    {
        services.AddSingleton<GroupLinks>();
        services.AddScoped<InvitationService>();
        services.AddScoped<JoinRequestService>();
        services.AddSingleton<ExpiryReminderService>();
        services.AddHostedService(provider => provider.GetRequiredService<ExpiryReminderService>());
        services.AddHostedService<RequestedInvitationSender>();
        return services;
    }
}
