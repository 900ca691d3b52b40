using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore.Diagnostics;
using SQLitePCL;

namespace AaiProxy.Data;

/// <summary>
/// SQLite has one writer at a time. When a connection finds the write lock taken, Microsoft.Data.Sqlite retries the
/// statement after sleeping 150 ms, again and again until the command timeout: under concurrent token requests a writer
/// that waited for another's commit of a millisecond paid 150, 300, 450 ms (the refresh_token grant's p99 of 0.5–1 s in
/// the bench). Each connection opened is given SQLite's own busy handler instead (<c>sqlite3_busy_timeout</c>), which
/// tries again after 1, 2, 5, 10, … ms (at most 100 ms apart) for up to <see cref="Wait"/>; past that the library's
/// retries still apply. One native call per open (the pooled handle keeps the setting; setting it again stores one integer).
/// </summary>
public sealed class SqliteBusyTimeout : DbConnectionInterceptor
{
    /// <summary>How long SQLite itself waits for the write lock before reporting the database busy.</summary>
    public static readonly TimeSpan Wait = TimeSpan.FromSeconds(5);

    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData) => Apply(connection);

    public override Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        Apply(connection);
        return Task.CompletedTask;
    }

    private static void Apply(DbConnection connection)
    {
        if (connection is SqliteConnection { Handle: { } handle })
        {
            raw.sqlite3_busy_timeout(handle, (int)Wait.TotalMilliseconds);
        }
    }
}
