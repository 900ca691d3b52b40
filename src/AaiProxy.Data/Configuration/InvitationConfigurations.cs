using AaiProxy.Data.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace AaiProxy.Data.Configuration;

internal sealed class InvitationConfiguration : IEntityTypeConfiguration<InvitationEntity>
{
    public void Configure(EntityTypeBuilder<InvitationEntity> builder)
    {
        builder.ToTable("Invitations");
        builder.HasKey(invitation => invitation.Id);
        builder.Property(invitation => invitation.Id).HasMaxLength(64);
        builder.Property(invitation => invitation.TokenHash).HasMaxLength(64);
        builder.Property(invitation => invitation.GroupId).HasMaxLength(64);
        builder.Property(invitation => invitation.FacilityCode).HasMaxLength(64);
        builder.Property(invitation => invitation.ProposalId).HasMaxLength(128);
        builder.Property(invitation => invitation.Email).HasMaxLength(320);
        builder.Property(invitation => invitation.Roles).HasMaxLength(1024);
        builder.Property(invitation => invitation.InvitedBy).HasMaxLength(256);
        builder.Property(invitation => invitation.State).HasMaxLength(16);
        builder.Property(invitation => invitation.AcceptedBy).HasMaxLength(64);
        // The link is looked up by its token's hash only.
        builder.HasIndex(invitation => invitation.TokenHash).IsUnique();
        builder.HasIndex(invitation => new { invitation.GroupId, invitation.State });
        builder.HasIndex(invitation => new { invitation.FacilityCode, invitation.ProposalId, invitation.Email });
        builder.HasOne<GroupEntity>().WithMany().HasForeignKey(invitation => invitation.GroupId).OnDelete(DeleteBehavior.Restrict);
    }
}

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
