using AaiProxy.Data.Entities;
using AaiProxy.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace AaiProxy.Data.Configuration;

internal sealed class CommunityAccountConfiguration : IEntityTypeConfiguration<CommunityAccountEntity>
{
    public void Configure(EntityTypeBuilder<CommunityAccountEntity> builder)
    {
        builder.ToTable("CommunityAccounts");
        builder.HasKey(account => account.Id);
        builder.Property(account => account.Id).HasMaxLength(64);
        builder.Property(account => account.Status).HasConversion<string>().HasMaxLength(16);
        builder.Property(account => account.PreferredUsername).HasMaxLength(PreferredUsernames.MaxLength);
        builder.HasIndex(account => account.PreferredUsername).IsUnique();
        builder.HasMany(account => account.Links)
            .WithOne(link => link.Account)
            .HasForeignKey(link => link.AccountId)
            .OnDelete(DeleteBehavior.Cascade);
    }
}
