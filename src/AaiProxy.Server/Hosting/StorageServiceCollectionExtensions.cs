using AaiProxy.Data;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using StackExchange.Redis;

namespace AaiProxy.Server.Hosting;

internal static class StorageServiceCollectionExtensions
{
    public const string DataProtectionApplicationName = "AaiProxy";

    /// <summary>
    /// The database (SQLite or PostgreSQL), the distributed cache and data-protection keys (Redis when
    /// <c>AaiProxy:Redis:Configuration</c> is set, so that every node shares them; otherwise in memory
    /// and under <c>&lt;DataDirectory&gt;/keys</c>), and the database health check.
    /// </summary>
    public static IServiceCollection AddProxyStorage(this IServiceCollection services, IConfiguration configuration, ProxyOptions proxy)
    {
        var (provider, connectionString) = DatabaseSettings.Resolve(configuration, proxy);
        services.AddAaiProxyData(provider, connectionString);
        services.AddOptions<DatabaseOptions>().Bind(configuration.GetSection(DatabaseOptions.SectionName));
        services.AddSingleton<DatabaseInitializer>();

        var dataProtection = services.AddDataProtection().SetApplicationName(DataProtectionApplicationName);
        if (proxy.Redis.Configuration is { Length: > 0 } redisConfiguration)
        {
            var redis = ConnectionMultiplexer.Connect(redisConfiguration);
            services.AddSingleton<IConnectionMultiplexer>(redis);
            services.AddStackExchangeRedisCache(options => options.ConnectionMultiplexerFactory = () => Task.FromResult<IConnectionMultiplexer>(redis));
            dataProtection.PersistKeysToStackExchangeRedis(redis, "AaiProxy:DataProtection:Keys");
        }
        else
        {
            services.AddDistributedMemoryCache();
            dataProtection.PersistKeysToFileSystem(new DirectoryInfo(Path.Combine(proxy.DataDirectoryFullPath, "keys")));
        }

        services.AddHealthChecks().AddCheck<DatabaseHealthCheck>("database");
        return services;
    }
}

internal sealed class DatabaseHealthCheck(ProxyDbContext db) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        await db.Database.CanConnectAsync(cancellationToken)
            ? HealthCheckResult.Healthy()
            : HealthCheckResult.Unhealthy("The database is not reachable.");
}
