namespace AaiProxy.Data.Entities;

/// <summary>A stored <see cref="Identity.AuditEvent"/>. Rows are only ever added.</summary>
public sealed class AuditEventEntity
{
    /// <summary>Assigned by the database; orders events that share an <see cref="OccurredAt"/>.</summary>
    public long Id { get; set; }

    public DateTimeOffset OccurredAt { get; set; }

    public required string Actor { get; set; }

    public required string Action { get; set; }

    public required string Target { get; set; }

    /// <summary>A JSON object: changed field → new value, or <c>"changed"</c> for a secret.</summary>
    public required string Details { get; set; }
}
