using AaiProxy.Server.Groups.Invitations;

namespace AaiProxy.Server.Groups.Admin;

internal static class AdminServiceCollectionExtensions
{
    /// <summary>Invitations, join requests, expiry reminders and the admin pages' gate.</summary>
    public static IServiceCollection AddProxyGroupAdmin(this IServiceCollection services)
    {
        services.AddProxyInvitations();
        services.AddSingleton<AdminGate>();
        return services;
    }

    /// <summary>The invitation acceptance pages and the admin pages.</summary>
    public static IEndpointRouteBuilder MapProxyGroupAdmin(this IEndpointRouteBuilder endpoints) =>
        endpoints.MapInvitationPages().MapAdminPages();
}
