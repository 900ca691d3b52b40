using AaiProxy.Data.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace AaiProxy.Data.Configuration;

internal sealed class ServerKeyConfiguration : IEntityTypeConfiguration<ServerKeyEntity>
{
    public void Configure(EntityTypeBuilder<ServerKeyEntity> builder)
    {
        builder.ToTable("ServerKeys");
        builder.HasKey(key => key.Id);
        builder.Property(key => key.Id).HasMaxLength(64);
        builder.Property(key => key.Algorithm).HasMaxLength(16);
        builder.Property(key => key.Usage).HasConversion<string>().HasMaxLength(16);
        builder.Property(key => key.Status).HasConversion<string>().HasMaxLength(16);
        builder.HasIndex(key => new { key.Usage, key.Status });
        // Two nodes rotating at once both try to store version n+1: the second insert fails instead of adding a second key.
        builder.HasIndex(key => new { key.Usage, key.Algorithm, key.Version }).IsUnique();
    }
}
