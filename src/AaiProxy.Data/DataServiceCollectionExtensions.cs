using AaiProxy.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace AaiProxy.Data;

public static class DataServiceCollectionExtensions
{
    /// <summary>
    /// Registers the provider-specific <see cref="ProxyDbContext"/> (resolvable as the base type, which
    /// OpenIddict's stores use) from a pool (the options are built once and a context is reset, not rebuilt, per request: its
    /// start-up was a tenth of an introspection's CPU; the contexts hold no state of their own), the account resolver, the key store, the group store (reader, proposal store, management directory and writer; it needs a <c>FacilityCatalog</c> service) and the audit log.
    /// </summary>
    public static IServiceCollection AddAaiProxyData(this IServiceCollection services, DatabaseProvider provider, string connectionString)
    {
        switch (provider)
        {
            case DatabaseProvider.Sqlite:
                services.AddDbContextPool<SqliteProxyDbContext>(options => options.UseSqlite(connectionString).AddInterceptors(new SqliteBusyTimeout()));
                services.AddScoped<ProxyDbContext>(provider => provider.GetRequiredService<SqliteProxyDbContext>());
                break;
            case DatabaseProvider.PostgreSql:
                services.AddDbContextPool<PostgresProxyDbContext>(options => options.UseNpgsql(connectionString));
                services.AddScoped<ProxyDbContext>(provider => provider.GetRequiredService<PostgresProxyDbContext>());
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(provider), provider, "Unknown database provider.");
        }

        services.AddScoped<ICommunityAccountResolver, CommunityAccountResolver>();
        services.TryAddSingleton<IUpstreamDomains, NoUpstreamDomains>();
        services.AddScoped(provider => new AccountStore(provider.GetRequiredService<ProxyDbContext>(), provider.GetRequiredService<TimeProvider>(),
            provider.GetRequiredService<ICommunityAccountResolver>(), provider.GetRequiredService<AuditLog>()));
        services.AddScoped(provider => new ServerKeyStore(
            provider.GetRequiredService<ProxyDbContext>(), provider.GetRequiredService<TimeProvider>(), provider.GetRequiredService<AuditLog>(),
            provider.GetRequiredService<KeyEncryptionKey>()));
        services.AddScoped<AuditLog>();
        services.AddScoped<GroupStore>();
        services.AddScoped<AaiProxy.Groups.IGroupReader>(provider => provider.GetRequiredService<GroupStore>());
        services.AddScoped<AaiProxy.Groups.IProposalStore>(provider => provider.GetRequiredService<GroupStore>());
        services.AddScoped<AaiProxy.Groups.IInvitationStore>(provider => provider.GetRequiredService<GroupStore>());
        services.AddScoped<AaiProxy.Groups.IJoinRequestStore>(provider => provider.GetRequiredService<GroupStore>());
        services.AddScoped<AaiProxy.Groups.IExpiryReminderStore>(provider => provider.GetRequiredService<GroupStore>());
        services.AddScoped<AaiProxy.Groups.Management.IGroupDirectory>(provider => provider.GetRequiredService<GroupStore>());
        services.AddScoped<AaiProxy.Groups.Management.IGroupWriter>(provider => provider.GetRequiredService<GroupStore>());
        services.AddScoped<AaiProxy.Groups.IInvitationStore>(provider => provider.GetRequiredService<GroupStore>());
        services.AddScoped<IAuditLog>(provider => provider.GetRequiredService<AuditLog>());
        return services;
    }
}

/// <summary>No issuer is known to vouch for any domain (the host registers the real one).</summary>
internal sealed class NoUpstreamDomains : IUpstreamDomains
{
    public ValueTask<IReadOnlyList<string>> DomainsOfAsync(string issuer, CancellationToken cancellationToken) =>
        ValueTask.FromResult<IReadOnlyList<string>>([]);
}
