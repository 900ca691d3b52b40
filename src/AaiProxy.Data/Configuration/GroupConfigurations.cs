using AaiProxy.Data.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace AaiProxy.Data.Configuration;

internal sealed class GroupConfiguration : IEntityTypeConfiguration<GroupEntity>
{
    public void Configure(EntityTypeBuilder<GroupEntity> builder)
    {
        builder.ToTable("Groups");
        builder.HasKey(group => group.Id);
        builder.Property(group => group.Id).HasMaxLength(64);
        builder.Property(group => group.ParentId).HasMaxLength(64);
        builder.Property(group => group.Path).HasMaxLength(1024);
        builder.Property(group => group.Kind).HasMaxLength(16);
        builder.Property(group => group.FacilityCode).HasMaxLength(64);
        builder.Property(group => group.Description).HasMaxLength(1000);
        builder.Property(group => group.Visibility).HasMaxLength(16);
        builder.HasIndex(group => group.Path).IsUnique();
        builder.HasIndex(group => group.ParentId);
        builder.HasOne<GroupEntity>().WithMany().HasForeignKey(group => group.ParentId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class MembershipConfiguration : IEntityTypeConfiguration<MembershipEntity>
{
    public void Configure(EntityTypeBuilder<MembershipEntity> builder)
    {
        builder.ToTable("Memberships");
        builder.HasKey(membership => new { membership.GroupId, membership.AccountId });
        builder.Property(membership => membership.GroupId).HasMaxLength(64);
        builder.Property(membership => membership.AccountId).HasMaxLength(64);
        builder.Property(membership => membership.Roles).HasMaxLength(1024);
        builder.Property(membership => membership.Status).HasMaxLength(16);
        // Claims load a person's memberships at every token issue: by account.
        builder.HasIndex(membership => membership.AccountId);
        builder.HasOne(membership => membership.Group).WithMany().HasForeignKey(membership => membership.GroupId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne<CommunityAccountEntity>().WithMany().HasForeignKey(membership => membership.AccountId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class ProposalConfiguration : IEntityTypeConfiguration<ProposalEntity>
{
    public void Configure(EntityTypeBuilder<ProposalEntity> builder)
    {
        builder.ToTable("Proposals");
        builder.HasKey(proposal => proposal.Id);
        builder.Property(proposal => proposal.Id).ValueGeneratedOnAdd();
        builder.Property(proposal => proposal.FacilityCode).HasMaxLength(64);
        builder.Property(proposal => proposal.ProposalId).HasMaxLength(128);
        builder.Property(proposal => proposal.Title).HasMaxLength(1000);
        builder.Property(proposal => proposal.TeamGroupId).HasMaxLength(64);
        // Proposal ids are unique per facility only.
        builder.HasIndex(proposal => new { proposal.FacilityCode, proposal.ProposalId }).IsUnique();
        builder.HasIndex(proposal => proposal.TeamGroupId).IsUnique();
        builder.HasOne<GroupEntity>().WithMany().HasForeignKey(proposal => proposal.TeamGroupId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class FacilityUserIdConfiguration : IEntityTypeConfiguration<FacilityUserIdEntity>
{
    public void Configure(EntityTypeBuilder<FacilityUserIdEntity> builder)
    {
        builder.ToTable("FacilityUserIds");
        builder.HasKey(id => new { id.FacilityCode, id.UserId });
        builder.Property(id => id.FacilityCode).HasMaxLength(64);
        builder.Property(id => id.UserId).HasMaxLength(256);
        builder.Property(id => id.AccountId).HasMaxLength(64);
        builder.HasIndex(id => id.AccountId);
        builder.HasOne<CommunityAccountEntity>().WithMany().HasForeignKey(id => id.AccountId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class InvitationConfiguration : IEntityTypeConfiguration<InvitationEntity>
{
    public void Configure(EntityTypeBuilder<InvitationEntity> builder)
    {
        builder.ToTable("Invitations");
        builder.HasKey(invitation => invitation.Id);
        builder.Property(invitation => invitation.Id).HasMaxLength(64);
        builder.Property(invitation => invitation.GroupId).HasMaxLength(64);
        builder.Property(invitation => invitation.FacilityCode).HasMaxLength(64);
        builder.Property(invitation => invitation.ProposalId).HasMaxLength(128);
        builder.Property(invitation => invitation.Email).HasMaxLength(320);
        builder.Property(invitation => invitation.Roles).HasMaxLength(1024);
        builder.Property(invitation => invitation.InvitedBy).HasMaxLength(200);
        builder.Property(invitation => invitation.TokenHash).HasMaxLength(64);
        builder.Property(invitation => invitation.State).HasMaxLength(16);
        builder.Property(invitation => invitation.AcceptedBy).HasMaxLength(64);
        builder.HasIndex(invitation => invitation.TokenHash).IsUnique();
        // An import asks once per proposal and address: its second run finds them here.
        builder.HasIndex(invitation => new { invitation.FacilityCode, invitation.ProposalId, invitation.Email });
        builder.HasOne<GroupEntity>().WithMany().HasForeignKey(invitation => invitation.GroupId).OnDelete(DeleteBehavior.Cascade);
    }
}
