using AaiProxy.Data.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace AaiProxy.Data.Configuration;

internal sealed class UpstreamLinkConfiguration : IEntityTypeConfiguration<UpstreamLinkEntity>
{
    public void Configure(EntityTypeBuilder<UpstreamLinkEntity> builder)
    {
        builder.ToTable("UpstreamLinks");
        builder.HasKey(link => link.Id);
        builder.Property(link => link.Id).HasMaxLength(64);
        builder.Property(link => link.Protocol).HasMaxLength(32);
        // SAML entityIDs are at most 1024 characters (SAML Core 8.3.6).
        builder.Property(link => link.Issuer).HasMaxLength(1024);
        builder.Property(link => link.Subject).HasMaxLength(512);
        builder.Property(link => link.SubjectSource).HasMaxLength(64);
        builder.Property(link => link.AccountId).HasMaxLength(64);
        builder.Property(link => link.LastContextClass).HasMaxLength(512);
        // The subject's kind is part of the key: a persistent NameID "admin@x" and a subject-id "admin@x"
        // from the same IdP are different people.
        builder.HasIndex(link => new { link.Protocol, link.Issuer, link.SubjectSource, link.Subject }).IsUnique();
    }
}
