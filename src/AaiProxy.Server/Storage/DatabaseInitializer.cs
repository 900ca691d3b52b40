using AaiProxy.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace AaiProxy.Server.Storage;

/// <summary>
/// Applies migrations once per process: at start when <c>AaiProxy:Database:MigrateOnStart</c> is true
/// (the default), or on demand for the <c>migrate</c> command; a SQLite database is switched to its write-ahead log.
/// </summary>
internal sealed class DatabaseInitializer(IServiceScopeFactory scopes, IOptions<DatabaseOptions> options, ILogger<DatabaseInitializer> logger)
{
    private readonly Lock _gate = new();
    private bool _done;

    /// <summary>Migrates unless disabled by configuration; idempotent and thread-safe.</summary>
    public void EnsureMigrated()
    {
        if (options.Value.MigrateOnStart)
        {
            Migrate();
        }
    }

    /// <summary>Applies every pending migration.</summary>
    public void Migrate()
    {
        lock (_gate)
        {
            if (_done)
            {
                return;
            }

            using var scope = scopes.CreateScope();
            var db = scope.ServiceProvider.GetRequiredService<ProxyDbContext>();
            db.Database.Migrate();
            if (db.Database.IsSqlite())
            {
                // Write-ahead log (kept in the file once set): a commit is one append and one fsync instead of the rollback
                // journal's three, and readers (introspection) do not wait for writers (token entries).
                db.Database.ExecuteSqlRaw("PRAGMA journal_mode=WAL;");
            }

            Log.DatabaseMigrated(logger, db.Database.ProviderName ?? "unknown", db.Database.GetAppliedMigrations().Count());
            _done = true;
        }
    }
}
