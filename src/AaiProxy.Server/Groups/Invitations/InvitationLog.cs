namespace AaiProxy.Server.Groups.Invitations;

/// <summary>Invitations, join requests and expiry reminders: event ids 6200–6299.</summary>
internal static partial class InvitationLog
{
    [LoggerMessage(EventId = 6200, Level = LogLevel.Information, Message = "Invitation {InvitationId} into group {GroupId} sent by {Actor}.")]
    public static partial void InvitationSent(ILogger logger, string invitationId, string groupId, string actor);

    [LoggerMessage(EventId = 6201, Level = LogLevel.Information, Message = "Invitation {InvitationId} accepted by account {AccountId}.")]
    public static partial void InvitationAccepted(ILogger logger, string invitationId, string accountId);

    [LoggerMessage(EventId = 6202, Level = LogLevel.Information, Message = "Invitation {InvitationId} not accepted by account {AccountId}: {Outcome}.")]
    public static partial void InvitationRefused(ILogger logger, string invitationId, string accountId, string outcome);

    [LoggerMessage(EventId = 6203, Level = LogLevel.Error, Message = "Sending the invitations imports asked for failed this round; the next round tries again.")]
    public static partial void RequestedInvitationsFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 6210, Level = LogLevel.Information, Message = "Expiry reminder for account {AccountId} in group {GroupId} (membership ends {End:O}) sent to {Recipients} address(es).")]
    public static partial void ExpiryReminderSent(ILogger logger, string accountId, string groupId, DateTimeOffset end, int recipients);

    [LoggerMessage(EventId = 6211, Level = LogLevel.Error, Message = "Expiry reminders failed this round; the next round tries again.")]
    public static partial void ExpiryRemindersFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 6212, Level = LogLevel.Warning, Message = "Expiry reminder for account {AccountId} in group {GroupId}: no e-mail address is known for anybody to remind.")]
    public static partial void ExpiryReminderNobodyToMail(ILogger logger, string accountId, string groupId);
}
