using AaiProxy.Interop.Tests.Harness;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace AaiProxy.Interop.Tests;

/// <summary>
/// <c>AaiProxy.Server migrate</c>, as a deployment runs it before starting the nodes: the real
/// binary, in the Production environment, applies every migration to an empty database and exits.
/// </summary>
public sealed class MigrateCommandTests : IDisposable
{
    private readonly DirectoryInfo _data = Directory.CreateTempSubdirectory("aaiproxy-migrate-");

    [Fact]
    public async Task Migrate_creates_the_sqlite_schema_and_exits_without_serving()
    {
        var exitCode = await RunMigrateAsync(new Dictionary<string, string>());

        Assert.Equal(0, exitCode);
        await using var connection = new SqliteConnection($"Data Source={Path.Combine(_data.FullName, "aaiproxy.db")};Mode=ReadOnly");
        await connection.OpenAsync();
        Assert.Superset(ExpectedTables, await TablesAsync(connection,
            "SELECT name FROM sqlite_master WHERE type = 'table'"));
    }

    [SkippableFact]
    public async Task Migrate_creates_the_postgresql_schema_and_exits_without_serving()
    {
        var server = Environment.GetEnvironmentVariable("AAIPROXY_TEST_POSTGRES");
        if (string.IsNullOrEmpty(server))
        {
            throw PeerAvailability.Unavailable("AAIPROXY_TEST_POSTGRES is not set (test.sh starts a throwaway PostgreSQL).");
        }

        var database = "aaiproxy_migrate_" + Guid.NewGuid().ToString("N");
        await ExecuteAsync(server, $"CREATE DATABASE \"{database}\"");
        try
        {
            var connectionString = new NpgsqlConnectionStringBuilder(server) { Database = database }.ConnectionString;
            var exitCode = await RunMigrateAsync(new Dictionary<string, string>
            {
                ["AaiProxy__Database__Provider"] = "PostgreSql",
                ["AaiProxy__SingleNode"] = "true",
                ["ConnectionStrings__AaiProxy"] = connectionString,
            });

            Assert.Equal(0, exitCode);
            await using var connection = new NpgsqlConnection(connectionString);
            await connection.OpenAsync();
            Assert.Superset(ExpectedTables, await TablesAsync(connection,
                "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'"));
        }
        finally
        {
            NpgsqlConnection.ClearAllPools();
            await ExecuteAsync(server, $"DROP DATABASE IF EXISTS \"{database}\" WITH (FORCE)");
        }
    }

    public void Dispose() => _data.Delete(recursive: true);

    private static readonly HashSet<string> ExpectedTables =
    [
        "__EFMigrationsHistory", "OpenIddictApplications", "OpenIddictTokens", "CommunityAccounts", "UpstreamLinks",
        "ServerKeys", "AuditEvents",
    ];

    private async Task<int> RunMigrateAsync(Dictionary<string, string> environment)
    {
        var settings = new Dictionary<string, string>(environment)
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
            ["AaiProxy__DataDirectory"] = _data.FullName,
        };
        var result = await ServerCommand.RunAsync(["migrate"], _data.FullName, settings);
        Assert.True(result.ExitCode == 0, $"migrate exited {result.ExitCode}:\n{result.Output}\n{result.Errors}");
        return result.ExitCode;
    }

    private static async Task<HashSet<string>> TablesAsync(System.Data.Common.DbConnection connection, string sql)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await using var reader = await command.ExecuteReaderAsync();
        var tables = new HashSet<string>(StringComparer.Ordinal);
        while (await reader.ReadAsync())
        {
            tables.Add(reader.GetString(0));
        }

        return tables;
    }

    private static async Task ExecuteAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
