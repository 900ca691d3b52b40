namespace AaiProxy.Server.Mail;

/// <summary>One message to one recipient. The sender comes from <c>AaiProxy:Mail</c>.</summary>
internal sealed record OutgoingMail(string To, string Subject, string TextBody, string? HtmlBody = null);

/// <summary>Sends mail: over SMTP (<see cref="SmtpMailSender"/>) or, without an SMTP server outside
/// production, into the in-memory <see cref="DevelopmentMailbox"/>.</summary>
internal interface IMailSender
{
    /// <exception cref="MailDeliveryException">The server refused the message or could not be reached.</exception>
    Task SendAsync(OutgoingMail mail, CancellationToken cancellationToken);
}

/// <summary>A message could not be handed to the mail server; the message says why, without secrets.</summary>
internal sealed class MailDeliveryException(string message, Exception? inner = null) : Exception(message, inner);
