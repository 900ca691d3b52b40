using System.Collections.Concurrent;

namespace AaiProxy.Server.Mail;

/// <summary>Where mail goes when no SMTP server is configured outside production (the embedded demo):
/// kept in memory, newest first, at most <see cref="Capacity"/> messages; the demo shows it at
/// <c>/demo/mailbox</c>. Nothing is written to disk.</summary>
internal sealed class DevelopmentMailbox(TimeProvider time, ILogger<DevelopmentMailbox> logger) : IMailSender
{
    public const int Capacity = 100;

    private readonly ConcurrentQueue<ReceivedMail> messages = new();

    public Task SendAsync(OutgoingMail mail, CancellationToken cancellationToken)
    {
        _ = MimeKit.MailboxAddress.Parse(mail.To);
        messages.Enqueue(new ReceivedMail(time.GetUtcNow(), mail));
        while (messages.Count > Capacity && messages.TryDequeue(out _))
        {
        }

        MailLog.KeptInMailbox(logger, MailLog.RecipientDomain(mail.To));
        return Task.CompletedTask;
    }

    /// <summary>Newest first.</summary>
    public IReadOnlyList<ReceivedMail> Messages => messages.Reverse().ToList();
}

internal sealed record ReceivedMail(DateTimeOffset ReceivedAt, OutgoingMail Mail);
