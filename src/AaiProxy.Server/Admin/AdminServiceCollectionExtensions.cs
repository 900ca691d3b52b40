using AaiProxy.Server.Groups.Invitations;

namespace AaiProxy.Server.Admin;

internal static class AdminServiceCollectionExtensions
{
    /// <summary>Invitations, join requests, expiry reminders, the sign-in gate of the proxy's group pages and the admin pages' gate.</summary>
    public static IServiceCollection AddProxyGroupAdmin(this IServiceCollection services)
    {
        services.AddProxyInvitations();
        services.AddSingleton<SignedInPerson>();
        services.AddSingleton<AdminGate>();
        return services;
    }

    /// <summary>The invitation acceptance pages and the admin pages.</summary>
    public static IEndpointRouteBuilder MapProxyGroupAdmin(this IEndpointRouteBuilder endpoints) =>
        endpoints.MapInvitationPages().MapAdminPages();
}
