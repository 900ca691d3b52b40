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
        builder.Property(account => account.DisplayName).HasMaxLength(256);
        builder.Property(account => account.Orcid).HasMaxLength(64);
        builder.HasMany(account => account.Emails).WithOne().HasForeignKey(email => email.AccountId).OnDelete(DeleteBehavior.Cascade);
        builder.HasMany(account => account.AupAcceptances).WithOne().HasForeignKey(acceptance => acceptance.AccountId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class AccountEmailConfiguration : IEntityTypeConfiguration<AccountEmailEntity>
{
    public void Configure(EntityTypeBuilder<AccountEmailEntity> builder)
    {
        builder.ToTable("AccountEmails");
        builder.HasKey(email => email.Id);
        builder.Property(email => email.AccountId).HasMaxLength(64);
        builder.Property(email => email.Address).HasMaxLength(254);
        builder.Property(email => email.VerifiedBy).HasMaxLength(1024);
        builder.HasIndex(email => new { email.AccountId, email.Address }).IsUnique();
    }
}

internal sealed class AupAcceptanceConfiguration : IEntityTypeConfiguration<AupAcceptanceEntity>
{
    public void Configure(EntityTypeBuilder<AupAcceptanceEntity> builder)
    {
        builder.ToTable("AupAcceptances");
        builder.HasKey(acceptance => acceptance.Id);
        builder.Property(acceptance => acceptance.AccountId).HasMaxLength(64);
        builder.Property(acceptance => acceptance.Version).HasMaxLength(64);
        builder.HasIndex(acceptance => new { acceptance.AccountId, acceptance.Version }).IsUnique();
    }
}
