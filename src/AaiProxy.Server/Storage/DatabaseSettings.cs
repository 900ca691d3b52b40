using AaiProxy.Data;
using AaiProxy.Server.Configuration;
using Microsoft.Extensions.Options;

namespace AaiProxy.Server.Storage;

/// <summary>The database settings resolved against the data directory.</summary>
internal static class DatabaseSettings
{
    public static (DatabaseProvider Provider, string ConnectionString) Resolve(IConfiguration configuration)
    {
        var database = configuration.GetSection(DatabaseOptions.SectionName).Get<DatabaseOptions>() ?? new DatabaseOptions();
        switch (database.Provider)
        {
            case DatabaseProvider.PostgreSql:
                var connectionString = configuration.GetConnectionString("AaiProxy");
                if (string.IsNullOrWhiteSpace(connectionString))
                {
                    throw new OptionsValidationException(DatabaseOptions.SectionName, typeof(DatabaseOptions),
                        ["AaiProxy:Database:Provider is PostgreSql: set ConnectionStrings:AaiProxy (env ConnectionStrings__AaiProxy)."]);
                }

                return (DatabaseProvider.PostgreSql, connectionString);
            default:
                var dataDirectory = Path.GetFullPath(configuration[$"{ProxyOptions.SectionName}:{nameof(ProxyOptions.DataDirectory)}"] ??
                                                     new ProxyOptions().DataDirectory);
                Directory.CreateDirectory(dataDirectory);
                return (DatabaseProvider.Sqlite, $"Data Source={Path.Combine(dataDirectory, "aaiproxy.db")}");
        }
    }
}
