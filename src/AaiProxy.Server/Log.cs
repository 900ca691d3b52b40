namespace AaiProxy.Server;

/// <summary>Every log line the host writes, with fixed event ids. Never secrets, never tokens.</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 1000, Level = LogLevel.Information, Message = "Database is up to date ({Provider}, {Count} migration(s) applied).")]
    public static partial void DatabaseMigrated(ILogger logger, string provider, int count);

    // 1001 and 1002 (key generated, client seeded) are now audit events: AaiProxy.Data's AuditLog, event 5000.

    [LoggerMessage(EventId = 1003, Level = LogLevel.Warning, Message = "The embedded demo is enabled: demo login and demo clients are active. Never use this in production.")]
    public static partial void DemoEnabled(ILogger logger);

    [LoggerMessage(EventId = 2000, Level = LogLevel.Warning, Message = "OIDC request rejected at {Endpoint}: {Error} ({ErrorDescription}); client_id={ClientId}; correlation id {CorrelationId}.")]
    public static partial void RequestRejected(ILogger logger, string endpoint, string error, string? errorDescription, string? clientId, string correlationId);

    [LoggerMessage(EventId = 2001, Level = LogLevel.Warning, Message = "Refresh token rejected: account {AccountId} is no longer active or its upstream link is gone.")]
    public static partial void RefreshRejectedInactiveAccount(ILogger logger, string accountId);

    [LoggerMessage(EventId = 2002, Level = LogLevel.Warning, Message = "Authorization request of client {ClientId} ended after the upstream login: {Error}; correlation id {CorrelationId}.")]
    public static partial void AuthorizationEndedUpstream(ILogger logger, string? clientId, string error, string correlationId);

    [LoggerMessage(EventId = 2003, Level = LogLevel.Warning, Message = "Authorization request of client {ClientId} cannot be met: {Reason}; correlation id {CorrelationId}.")]
    public static partial void AuthorizationUnmet(ILogger logger, string? clientId, string reason, string correlationId);

    [LoggerMessage(EventId = 2004, Level = LogLevel.Information, Message = "End-session request without an id_token_hint for this session: the person is asked to confirm; correlation id {CorrelationId}.")]
    public static partial void LogoutConfirmationAsked(ILogger logger, string correlationId);

    [LoggerMessage(EventId = 2020, Level = LogLevel.Information, Message = "Account {AccountId} allowed client {ClientId} the scopes {Scopes}.")]
    public static partial void ConsentGranted(ILogger logger, string clientId, string accountId, string scopes);

    [LoggerMessage(EventId = 2021, Level = LogLevel.Information, Message = "Account {AccountId} denied client {ClientId} the release of its information.")]
    public static partial void ConsentDenied(ILogger logger, string clientId, string accountId);

    [LoggerMessage(EventId = 2022, Level = LogLevel.Information, Message = "Account {AccountId} withdrew its consent {AuthorizationId}.")]
    public static partial void ConsentRevoked(ILogger logger, string accountId, string authorizationId);

    [LoggerMessage(EventId = 2030, Level = LogLevel.Information, Message = "Token exchange: client {ClientId} received an access token of account {AccountId} for {Targets} with the scopes '{Scopes}' (act.sub = the client).")]
    public static partial void TokenExchanged(ILogger logger, string clientId, string accountId, string targets, string scopes);

    [LoggerMessage(EventId = 2031, Level = LogLevel.Warning, Message = "Token exchange by client {ClientId} refused: the subject token (sub {Subject}) is no person's access token from a valid grant, or the account is not active.")]
    public static partial void TokenExchangeRefused(ILogger logger, string clientId, string subject);

    [LoggerMessage(EventId = 2033, Level = LogLevel.Information, Message = "Account {AccountId} approved the device request of client {ClientId} for the scopes {Scopes}.")]
    public static partial void DeviceApproved(ILogger logger, string clientId, string accountId, string scopes);

    [LoggerMessage(EventId = 2034, Level = LogLevel.Information, Message = "Account {AccountId} denied the device request of client {ClientId}.")]
    public static partial void DeviceDenied(ILogger logger, string clientId, string accountId);

    [LoggerMessage(EventId = 2035, Level = LogLevel.Information, Message = "Account {AccountId} gave a user code that is unknown, used or expired; correlation id {CorrelationId}.")]
    public static partial void DeviceUserCodeRejected(ILogger logger, string accountId, string correlationId);

    [LoggerMessage(EventId = 3015, Level = LogLevel.Warning, Message = "Sign-in refused: community account {AccountId} is {Status}.")]
    public static partial void SignInRefusedInactiveAccount(ILogger logger, string accountId, string status);

    [LoggerMessage(EventId = 3016, Level = LogLevel.Warning, Message = "Upstream value from {Issuer} dropped before sign-in: {Attribute} '{Value}' ({Reason}).")]
    public static partial void UpstreamValueDropped(ILogger logger, string issuer, string attribute, string value, string reason);

    [LoggerMessage(EventId = 3050, Level = LogLevel.Information, Message = "Upstream {Protocol} identity from {Issuer} leads to registration (account {AccountId}).")]
    public static partial void RegistrationPending(ILogger logger, string accountId, string protocol, string issuer);

    [LoggerMessage(EventId = 3051, Level = LogLevel.Information, Message = "Link of an upstream {Protocol} identity from {Issuer} to account {AccountId}: {Outcome}.")]
    public static partial void LinkRequested(ILogger logger, string accountId, string protocol, string issuer, string outcome);

    [LoggerMessage(EventId = 3000, Level = LogLevel.Information, Message = "Signed in community account {AccountId} from {Protocol} issuer {Issuer}.")]
    public static partial void SignedIn(ILogger logger, string accountId, string protocol, string issuer);

    [LoggerMessage(EventId = 4000, Level = LogLevel.Error, Message = "Unhandled error; correlation id {CorrelationId}.")]
    public static partial void UnhandledError(ILogger logger, Exception exception, string correlationId);

    [LoggerMessage(EventId = 4001, Level = LogLevel.Warning, Message = "Browser error page shown: {Status} {Error} ({ErrorDescription}); correlation id {CorrelationId}.")]
    public static partial void ErrorPageShown(ILogger logger, int status, string error, string? errorDescription, string correlationId);

    [LoggerMessage(EventId = 6000, Level = LogLevel.Warning, Message = "Group claims for client {ClientId} cut to the byte budget ({ByteBudget} bytes): account {AccountId} keeps {KeptGrants} group(s), {OmittedGrants} left out.")]
    public static partial void GroupClaimsTruncated(ILogger logger, string clientId, string accountId, int keptGrants, int omittedGrants, int byteBudget);

    [LoggerMessage(EventId = 2100, Level = LogLevel.Information, Message = "Back-channel logout of account {AccountId}, session {SessionId}: {Count} logout token(s) queued.")]
    public static partial void BackChannelLogoutQueued(ILogger logger, string accountId, string sessionId, int count);

    [LoggerMessage(EventId = 2101, Level = LogLevel.Information, Message = "Logout token delivered to client {ClientId} at {Endpoint} (attempt {Attempt}).")]
    public static partial void BackChannelLogoutDelivered(ILogger logger, string clientId, string endpoint, int attempt);

    [LoggerMessage(EventId = 2102, Level = LogLevel.Warning, Message = "Logout token for client {ClientId} at {Endpoint} not accepted (attempt {Attempt}): {Reason}; trying again.")]
    public static partial void BackChannelLogoutAttemptFailed(ILogger logger, string clientId, string endpoint, int attempt, string reason);

    [LoggerMessage(EventId = 2103, Level = LogLevel.Error, Message = "Logout token for client {ClientId} at {Endpoint} given up after {Attempt} attempt(s): {Reason}.")]
    public static partial void BackChannelLogoutGivenUp(ILogger logger, string clientId, string endpoint, int attempt, string reason);
}
