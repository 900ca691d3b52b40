namespace AaiProxy.Server.Accounts;

internal static partial class AccountsLog
{
    [LoggerMessage(EventId = 7100, Level = LogLevel.Information, Message = "Registration confirmed: account {AccountId} created.")]
    public static partial void Registered(ILogger logger, string accountId);

    [LoggerMessage(EventId = 7101, Level = LogLevel.Information, Message = "Account {AccountId} accepted AUP version {Version}.")]
    public static partial void AupAccepted(ILogger logger, string accountId, string version);

    [LoggerMessage(EventId = 7102, Level = LogLevel.Information, Message = "E-mail verification link sent to an address at {Domain}.")]
    public static partial void VerificationSent(ILogger logger, string domain);

    [LoggerMessage(EventId = 7103, Level = LogLevel.Warning, Message = "E-mail verification link could not be sent to an address at {Domain}: {Reason}.")]
    public static partial void VerificationNotSent(ILogger logger, string domain, string reason);

    [LoggerMessage(EventId = 7104, Level = LogLevel.Information, Message = "Session of account {AccountId} refused: the account is {Status} or its sessions were ended.")]
    public static partial void SessionRefused(ILogger logger, string accountId, string status);

    [LoggerMessage(EventId = 7105, Level = LogLevel.Information, Message = "Revoked {Authorizations} authorization(s) and {Tokens} token(s) of account {AccountId} ({Reason}).")]
    public static partial void GrantsRevoked(ILogger logger, string accountId, long authorizations, long tokens, string reason);

    [LoggerMessage(EventId = 7106, Level = LogLevel.Information, Message = "Retention: {AuditEntries} audit entries and {LinkAttributes} stored attribute sets removed.")]
    public static partial void Pruned(ILogger logger, int auditEntries, int linkAttributes);

    [LoggerMessage(EventId = 7107, Level = LogLevel.Error, Message = "Retention could not run; it is tried again at the next interval.")]
    public static partial void RetentionFailed(ILogger logger, Exception exception);
}
