using Npgsql;

namespace AaiProxy.Server.Tests.Infrastructure;

/// <summary>
/// A fresh database for one test class: a SQLite file in a temp directory (default), or with
/// AAIPROXY_TEST_DATABASE=postgres a uniquely named database on the server in AAIPROXY_TEST_POSTGRES,
/// dropped at dispose.
/// </summary>
public sealed class TestDatabase : IAsyncDisposable
{
    private readonly string? _adminConnectionString;
    private readonly string? _databaseName;

    private TestDatabase(string dataDirectory, IReadOnlyDictionary<string, string> settings, string? adminConnectionString, string? databaseName)
    {
        DataDirectory = dataDirectory;
        Settings = settings;
        _adminConnectionString = adminConnectionString;
        _databaseName = databaseName;
    }

    /// <summary>The temp data directory (SQLite file, data-protection keys).</summary>
    public string DataDirectory { get; }

    /// <summary>Configuration settings that point the server at this database.</summary>
    public IReadOnlyDictionary<string, string> Settings { get; }

    public static async Task<TestDatabase> CreateAsync()
    {
        var dataDirectory = Directory.CreateTempSubdirectory("aaiproxy-test-").FullName;
        var kind = Environment.GetEnvironmentVariable("AAIPROXY_TEST_DATABASE") ?? "sqlite";
        if (kind.Equals("sqlite", StringComparison.OrdinalIgnoreCase))
        {
            return new TestDatabase(dataDirectory, new Dictionary<string, string>
            {
                ["AaiProxy:DataDirectory"] = dataDirectory,
                ["AaiProxy:Database:Provider"] = "Sqlite",
            }, null, null);
        }

        if (!kind.Equals("postgres", StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidOperationException($"AAIPROXY_TEST_DATABASE='{kind}' is not supported: use sqlite or postgres.");
        }

        var admin = Environment.GetEnvironmentVariable("AAIPROXY_TEST_POSTGRES");
        if (string.IsNullOrWhiteSpace(admin))
        {
            throw new InvalidOperationException(
                "AAIPROXY_TEST_DATABASE=postgres but AAIPROXY_TEST_POSTGRES is not set: set it to an Npgsql connection string of a throwaway PostgreSQL superuser, e.g. Host=127.0.0.1;Port=55433;Username=postgres.");
        }

        var name = $"aaiproxy_test_{Guid.NewGuid():N}";
        await using (var connection = new NpgsqlConnection(admin))
        {
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
            await command.ExecuteNonQueryAsync();
        }

        var connectionString = new NpgsqlConnectionStringBuilder(admin) { Database = name }.ConnectionString;
        return new TestDatabase(dataDirectory, new Dictionary<string, string>
        {
            ["AaiProxy:DataDirectory"] = dataDirectory,
            ["AaiProxy:Database:Provider"] = "PostgreSql",
            ["AaiProxy:SingleNode"] = "true", // one in-process node per test (docs/multi-node.md)
            ["ConnectionStrings:AaiProxy"] = connectionString,
        }, admin, name);
    }

    public async ValueTask DisposeAsync()
    {
        if (_adminConnectionString is not null && _databaseName is not null)
        {
            NpgsqlConnection.ClearAllPools();
            await using var connection = new NpgsqlConnection(_adminConnectionString);
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{_databaseName}\" WITH (FORCE)", connection);
            await command.ExecuteNonQueryAsync();
        }

        try
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
        catch (IOException)
        {
            // A SQLite file still open by a pooled connection: the temp directory is cleaned by the OS.
        }
    }
}
