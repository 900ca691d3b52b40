namespace AaiProxy.Data;

public enum DatabaseProvider
{
    Sqlite,
    PostgreSql,
}

/// <summary>Storage settings (<c>AaiProxy:Database</c>).</summary>
public sealed class DatabaseOptions
{
    public const string SectionName = "AaiProxy:Database";

    /// <summary><c>Sqlite</c> (default: a file under the data directory) or <c>PostgreSql</c>.</summary>
    public DatabaseProvider Provider { get; set; } = DatabaseProvider.Sqlite;

    /// <summary>
    /// The connection string. For PostgreSQL it comes from <c>ConnectionStrings:AaiProxy</c>; for SQLite
    /// it defaults to <c>&lt;DataDirectory&gt;/aaiproxy.db</c>.
    /// </summary>
    public string? ConnectionString { get; set; }

    /// <summary>Apply pending migrations when the server starts (default true).</summary>
    public bool MigrateOnStart { get; set; } = true;
}
