using AaiProxy.Groups;
using AaiProxy.Identity;

namespace AaiProxy.Server.Groups;

public static class GroupsServiceCollectionExtensions
{
    /// <summary>Facilities, per-client group policies and the group claims enricher (the store comes with <c>AddAaiProxyData</c>).</summary>
    public static IServiceCollection AddProxyGroups(this IServiceCollection services)
    {
        services.AddSingleton<GroupReleasePolicies>();
        services.AddSingleton(provider => provider.GetRequiredService<GroupReleasePolicies>().Facilities);
        services.AddScoped<IClaimsEnricher, GroupClaimsEnricher>();
        return services;
    }
}
