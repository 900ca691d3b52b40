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

    /// <summary>A managed client's secret was replaced (the new one shown once to whoever rotated it; never recorded).</summary>
    public const string ClientSecretRotated = "client.secret_rotated";

    /// <summary>A client registered itself at the registration endpoint (RFC 7591; actor: <see cref="AuditActors.DynamicRegistration"/>).</summary>
    public const string ClientRegistered = "client.registered";
    public const string KeyCreated = "key.created";
    public const string KeyProtected = "key.protected";

    /// <summary>A key was imported by an operator (PEM or PKCS#12), published now and used from its activation.</summary>
    public const string KeyImported = "key.imported";

    /// <summary>A key began to sign (or encrypt) new tokens.</summary>
    public const string KeyActivated = "key.activated";

    /// <summary>A key left the key ring: superseded and every token it signed expired, or retired by an operator.</summary>
    public const string KeyRetired = "key.retired";
    public const string AccountCreated = "account.created";
    public const string AccountAupAccepted = "account.aup_accepted";
    public const string AccountEmailVerified = "account.email_verified";
    public const string AccountLinked = "account.linked";
    public const string AccountUnlinked = "account.unlinked";
    public const string AccountSuspended = "account.suspended";
    public const string AccountReactivated = "account.reactivated";
    public const string AccountSignedOutEverywhere = "account.signed_out_everywhere";
    public const string AccountMerged = "account.merged";
    public const string AccountDeleted = "account.deleted";

    /// <summary>An operator asked every node to read the federation metadata again now (<c>metadata refresh</c>).</summary>
    public const string MetadataRefreshRequested = "metadata.refresh_requested";

    /// <summary>A person allowed a client (not facility-internal) to receive their claims for these scopes (target: the account).</summary>
    public const string ConsentGranted = "consent.granted";

    /// <summary>A person withdrew a client's consent at <c>/account</c>; the client's authorizations and tokens were revoked with it.</summary>
    public const string ConsentRevoked = "consent.revoked";

    /// <summary>A client exchanged a person's token for one for another audience (RFC 8693; actor: the client, target: the subject).</summary>
    public const string TokenExchanged = "token.exchanged";
}

public static class AuditActors
{
    /// <summary>The proxy itself, applying its configuration at start-up (declared clients, provisioned keys).</summary>
    public const string Configuration = "system:configuration";

    /// <summary>A person registering interactively (the new account's id is the event's target).</summary>
    public const string Registration = "system:registration";

    /// <summary>Registration mode <c>Automatic</c>: the account was created at a first login.</summary>
    public const string AutomaticRegistration = "system:automatic-registration";

    /// <summary>The registration endpoint (<c>/connect/register</c>, RFC 7591): a program registered its own client.</summary>
    public const string DynamicRegistration = "system:dynamic-registration";

    /// <summary>The scheduled key rotation (<c>AaiProxy:Keys:Rotation</c>).</summary>
    public const string KeyRotation = "system:key-rotation";

    /// <summary>An operator at the command line (<c>AaiProxy.Server accounts suspend</c>, …).</summary>
    public const string Operator = "system:operator";

    /// <summary>The person acting on their own account.</summary>
    public static string Person(string accountId) => "account:" + accountId;

    /// <summary>A client acting on its own (e.g. exchanging a token).</summary>
    public static string Client(string clientId) => "client:" + clientId;
}

/// <summary>The append-only audit log. The time of each event comes from the injected <see cref="TimeProvider"/>.</summary>
public interface IAuditLog
{
    Task RecordAsync(AuditEvent auditEvent, CancellationToken cancellationToken);
}
