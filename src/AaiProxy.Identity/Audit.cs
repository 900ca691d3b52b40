namespace AaiProxy.Identity;

/// <summary>
/// One change to something an operator must be able to account for later: a client, a key, and later
/// groups and memberships. <see cref="Details"/> names what changed and never holds a secret value.
/// </summary>
/// <param name="Actor">Who made the change: <see cref="AuditActors.Configuration"/>, later a community account id.</param>
/// <param name="Action">A stable dotted name from <see cref="AuditActions"/>.</param>
/// <param name="Target">The id of what changed: a client id, a key id.</param>
/// <param name="Details">Changed field → new value, or <c>"changed"</c> for a secret.</param>
public sealed record AuditEvent(string Actor, string Action, string Target, IReadOnlyDictionary<string, string> Details);

/// <summary>Stable action names: operators search and alert on them, so they never change meaning.</summary>
public static class AuditActions
{
    public const string ClientCreated = "client.created";
    public const string ClientUpdated = "client.updated";
    public const string KeyCreated = "key.created";
    public const string KeyProtected = "key.protected";
}

public static class AuditActors
{
    /// <summary>The proxy itself, applying its configuration at start-up (declared clients, provisioned keys).</summary>
    public const string Configuration = "system:configuration";
}

/// <summary>The append-only audit log. The time of each event comes from the injected <see cref="TimeProvider"/>.</summary>
public interface IAuditLog
{
    Task RecordAsync(AuditEvent auditEvent, CancellationToken cancellationToken);
}
