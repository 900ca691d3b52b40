using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace AaiProxy.Data;

// Used only by `dotnet ef migrations add`: the connection strings are never opened.

internal sealed class SqliteDesignTimeFactory : IDesignTimeDbContextFactory<SqliteProxyDbContext>
{
    public SqliteProxyDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<SqliteProxyDbContext>().UseSqlite("Data Source=design-time.db").Options);
}

internal sealed class PostgresDesignTimeFactory : IDesignTimeDbContextFactory<PostgresProxyDbContext>
{
    public PostgresProxyDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<PostgresProxyDbContext>().UseNpgsql("Host=localhost;Database=design_time").Options);
}
