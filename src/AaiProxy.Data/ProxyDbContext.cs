using AaiProxy.Data.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace AaiProxy.Data;

/// <summary>
/// Everything durable: OpenIddict's applications, authorizations, scopes and tokens, community
/// accounts with their upstream links, groups, memberships and proposals, the server's keys, and the audit log. Each database provider has a thin
/// derived context so that it keeps its own migrations.
/// </summary>
public abstract class ProxyDbContext(DbContextOptions options) : DbContext(options)
{
    public DbSet<CommunityAccountEntity> CommunityAccounts => Set<CommunityAccountEntity>();

    public DbSet<UpstreamLinkEntity> UpstreamLinks => Set<UpstreamLinkEntity>();

    public DbSet<AccountEmailEntity> AccountEmails => Set<AccountEmailEntity>();

    public DbSet<AupAcceptanceEntity> AupAcceptances => Set<AupAcceptanceEntity>();

    public DbSet<ServerKeyEntity> ServerKeys => Set<ServerKeyEntity>();

    public DbSet<AuditEventEntity> AuditEvents => Set<AuditEventEntity>();

    public DbSet<GroupEntity> Groups => Set<GroupEntity>();

    public DbSet<MembershipEntity> Memberships => Set<MembershipEntity>();

    public DbSet<ProposalEntity> Proposals => Set<ProposalEntity>();

    public DbSet<FacilityUserIdEntity> FacilityUserIds => Set<FacilityUserIdEntity>();

    public DbSet<InvitationEntity> Invitations => Set<InvitationEntity>();

    public DbSet<JoinRequestEntity> JoinRequests => Set<JoinRequestEntity>();

    public DbSet<ExpiryReminderEntity> ExpiryReminders => Set<ExpiryReminderEntity>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        base.OnModelCreating(modelBuilder);
        modelBuilder.UseOpenIddict();
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(ProxyDbContext).Assembly);
    }
}

/// <summary>The embedded default: a SQLite file under the data directory.</summary>
public sealed class SqliteProxyDbContext(DbContextOptions<SqliteProxyDbContext> options) : ProxyDbContext(options)
{
    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        // SQLite cannot order or compare DateTimeOffset values stored as text; store UTC ticks instead.
        configurationBuilder.Properties<DateTimeOffset>().HaveConversion<DateTimeOffsetToBinaryConverter>();
    }
}

/// <summary>PostgreSQL through Npgsql, for deployments with several nodes.</summary>
public sealed class PostgresProxyDbContext(DbContextOptions<PostgresProxyDbContext> options) : ProxyDbContext(options);
