using AaiProxy.Data.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace AaiProxy.Data.Configuration;

internal sealed class JoinRequestConfiguration : IEntityTypeConfiguration<JoinRequestEntity>
{
    public void Configure(EntityTypeBuilder<JoinRequestEntity> builder)
    {
        builder.ToTable("JoinRequests");
        builder.HasKey(request => request.Id);
        builder.Property(request => request.Id).HasMaxLength(64);
        builder.Property(request => request.GroupId).HasMaxLength(64);
        builder.Property(request => request.AccountId).HasMaxLength(64);
        builder.Property(request => request.Message).HasMaxLength(1000);
        builder.Property(request => request.State).HasMaxLength(16);
        builder.Property(request => request.DecidedBy).HasMaxLength(256);
        builder.HasIndex(request => new { request.GroupId, request.State });
        builder.HasIndex(request => request.AccountId);
        builder.HasOne<GroupEntity>().WithMany().HasForeignKey(request => request.GroupId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne<CommunityAccountEntity>().WithMany().HasForeignKey(request => request.AccountId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class ExpiryReminderConfiguration : IEntityTypeConfiguration<ExpiryReminderEntity>
{
    public void Configure(EntityTypeBuilder<ExpiryReminderEntity> builder)
    {
        builder.ToTable("ExpiryReminders");
        builder.HasKey(reminder => new { reminder.GroupId, reminder.AccountId, reminder.MembershipEnd });
        builder.Property(reminder => reminder.GroupId).HasMaxLength(64);
        builder.Property(reminder => reminder.AccountId).HasMaxLength(64);
        builder.HasOne<MembershipEntity>().WithMany().HasForeignKey(reminder => new { reminder.GroupId, reminder.AccountId }).OnDelete(DeleteBehavior.Cascade);
    }
}
