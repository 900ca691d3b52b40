using AaiProxy.Data;
using AaiProxy.Server.Configuration;
using AaiProxy.Server.Operations;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Microsoft.AspNetCore.DataProtection.StackExchangeRedis;
using Microsoft.Extensions.Caching.StackExchangeRedis;
using Microsoft.Extensions.Options;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using StackExchange.Redis;

namespace AaiProxy.Server.Storage;

internal static class StorageServiceCollectionExtensions
{
    public const string DataProtectionApplicationName = "AaiProxy";

    /// <summary>
    /// The database (SQLite or PostgreSQL), the distributed cache and data-protection keys (Redis when
    /// <c>AaiProxy:Redis:Configuration</c> is set, so that every node shares them; otherwise in memory
    /// and under <c>&lt;DataDirectory&gt;/keys</c>), and the database health check.
    /// </summary>
    public static IServiceCollection AddProxyStorage(this IServiceCollection services, IConfiguration configuration)
    {
        // Two facts decide which services exist, so they are read before options are bound: the database
        // provider (each has its own DbContext type and migrations) and whether Redis is configured. Every
        // value is taken from the validated options when first used; Redis is connected then, not here.
        var (provider, connectionString) = DatabaseSettings.Resolve(configuration);
        services.AddAaiProxyData(provider, connectionString);
        services.AddOptions<DatabaseOptions>().Bind(configuration.GetSection(DatabaseOptions.SectionName));
        services.AddSingleton<DatabaseInitializer>();

        services.AddSingleton(KeyEncryption.Load);
        services.AddDataProtection().SetApplicationName(DataProtectionApplicationName);
        services.AddOptions<KeyManagementOptions>().Configure<KeyEncryptionKey>((options, kek) => options.XmlEncryptor = new KeyEncryptionXmlEncryptor(kek));
        if (!string.IsNullOrWhiteSpace(configuration[$"{ProxyOptions.SectionName}:Redis:Configuration"]))
        {
            services.AddSingleton<IConnectionMultiplexer>(provider =>
                ConnectionMultiplexer.Connect(provider.GetRequiredService<IOptions<ProxyOptions>>().Value.Redis.Configuration!));
            services.AddStackExchangeRedisCache(_ => { });
            services.AddOptions<RedisCacheOptions>().Configure<IServiceProvider>((options, provider) =>
                options.ConnectionMultiplexerFactory = () => Task.FromResult(provider.GetRequiredService<IConnectionMultiplexer>()));
            services.AddOptions<KeyManagementOptions>().Configure<IServiceProvider>((options, provider) =>
                options.XmlRepository = new RedisXmlRepository(() => provider.GetRequiredService<IConnectionMultiplexer>().GetDatabase(),
                    "AaiProxy:DataProtection:Keys"));
        }
        else
        {
            services.AddDistributedMemoryCache();
            services.AddOptions<KeyManagementOptions>().Configure<IOptions<ProxyOptions>, ILoggerFactory>((options, proxy, loggers) =>
                options.XmlRepository = new FileSystemXmlRepository(
                    new DirectoryInfo(Path.Combine(proxy.Value.DataDirectoryFullPath, "keys")), loggers));
        }

        var health = services.AddHealthChecks().AddDbContextCheck<ProxyDbContext>("database", tags: [HealthEndpoints.ReadyTag]);
        if (!string.IsNullOrWhiteSpace(configuration[$"{ProxyOptions.SectionName}:Redis:Configuration"]))
        {
            health.AddRedis(provider => provider.GetRequiredService<IConnectionMultiplexer>(), "redis", tags: [HealthEndpoints.ReadyTag]);
        }

        return services;
    }
}

