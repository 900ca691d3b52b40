using AaiProxy.Data.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace AaiProxy.Data.Configuration;

internal sealed class AuditEventConfiguration : IEntityTypeConfiguration<AuditEventEntity>
{
    public void Configure(EntityTypeBuilder<AuditEventEntity> builder)
    {
        builder.ToTable("AuditEvents");
        builder.HasKey(auditEvent => auditEvent.Id);
        builder.Property(auditEvent => auditEvent.Id).ValueGeneratedOnAdd();
        builder.Property(auditEvent => auditEvent.Actor).HasMaxLength(256);
        builder.Property(auditEvent => auditEvent.Action).HasMaxLength(64);
        // Targets are client ids, key ids and later group paths: SAML-length identifiers at most.
        builder.Property(auditEvent => auditEvent.Target).HasMaxLength(1024);
        builder.HasIndex(auditEvent => auditEvent.OccurredAt);
        builder.HasIndex(auditEvent => auditEvent.Target);
    }
}
