namespace AaiProxy.Server.Mail;

/// <summary>Mail log lines: the recipient's domain only, never the address or the body (links in it are secrets).</summary>
internal static partial class MailLog
{
    [LoggerMessage(EventId = 7000, Level = LogLevel.Information, Message = "Mail to a recipient at {RecipientDomain} accepted by {Host} as {MessageId}.")]
    public static partial void Sent(ILogger logger, string host, string recipientDomain, string messageId);

    [LoggerMessage(EventId = 7001, Level = LogLevel.Error, Message = "Mail to a recipient at {RecipientDomain} not accepted by {Host}:{Port}: {Reason}.")]
    public static partial void DeliveryFailed(ILogger logger, string host, int port, string recipientDomain, string reason);

    [LoggerMessage(EventId = 7002, Level = LogLevel.Information, Message = "Mail to a recipient at {RecipientDomain} kept in the development mailbox (no SMTP server configured).")]
    public static partial void KeptInMailbox(ILogger logger, string recipientDomain);

    public static string RecipientDomain(string address)
    {
        var at = address.LastIndexOf('@');
        return at < 0 ? "(no domain)" : address[(at + 1)..].TrimEnd('>');
    }
}
