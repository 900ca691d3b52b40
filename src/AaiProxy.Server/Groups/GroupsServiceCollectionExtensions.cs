using AaiProxy.Groups;
using AaiProxy.Identity;
using AaiProxy.Server.Groups.Management;

namespace AaiProxy.Server.Groups;

public static class GroupsServiceCollectionExtensions
{
    /// <summary>Facilities, per-client group policies the group claims enricher and the management service (the store comes with <c>AddAaiProxyData</c>).</summary>
    public static IServiceCollection AddProxyGroups(this IServiceCollection services)
    {
        services.AddSingleton<GroupReleasePolicies>();
        services.AddSingleton(provider => provider.GetRequiredService<GroupReleasePolicies>().Facilities);
        services.AddScoped<IClaimsEnricher, GroupClaimsEnricher>();
        services.AddScoped<GroupAdministration>();
        services.AddScoped<Clients.ClientAdministration>();
        return services;
    }
}
