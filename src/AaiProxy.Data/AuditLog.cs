using System.Text.Json;
using AaiProxy.Data.Entities;
using AaiProxy.Identity;
using Microsoft.Extensions.Logging;

namespace AaiProxy.Data;

/// <summary>
/// The audit log over EF Core. An event is staged on the same <see cref="ProxyDbContext"/> as the change
/// it describes, so that one SaveChanges (or the caller's transaction) stores both or neither.
/// </summary>
internal sealed partial class AuditLog(ProxyDbContext db, TimeProvider time, ILogger<AuditLog> logger) : IAuditLog
{
    public async Task RecordAsync(AuditEvent auditEvent, CancellationToken cancellationToken)
    {
        var entity = Stage(auditEvent);
        await db.SaveChangesAsync(cancellationToken);
        Written(entity);
    }

    /// <summary>Adds the event to the context without saving; call <see cref="Written"/> once saved.</summary>
    internal AuditEventEntity Stage(AuditEvent auditEvent)
    {
        var entity = new AuditEventEntity
        {
            OccurredAt = time.GetUtcNow(),
            Actor = auditEvent.Actor,
            Action = auditEvent.Action,
            Target = auditEvent.Target,
            // Sorted, so that the same change always reads the same.
            Details = JsonSerializer.Serialize(new SortedDictionary<string, string>(auditEvent.Details.ToDictionary(), StringComparer.Ordinal)),
        };
        db.AuditEvents.Add(entity);
        return entity;
    }

    /// <summary>The event as a structured log line, for log pipelines that never query the database.</summary>
    internal void Written(AuditEventEntity entity) =>
        AuditEventRecorded(logger, entity.Action, entity.Target, entity.Actor, entity.Details, entity.Id);

    [LoggerMessage(EventId = 5000, Level = LogLevel.Information, Message = "Audit: {Action} {Target} by {Actor} {Details} (event {AuditEventId}).")]
    private static partial void AuditEventRecorded(ILogger logger, string action, string target, string actor, string details, long auditEventId);
}
