using AaiProxy.Server.Configuration;
using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.Extensions.Options;
using MimeKit;

namespace AaiProxy.Server.Mail;

/// <summary>Sends each message over one SMTP connection with MailKit.</summary>
internal sealed class SmtpMailSender(IOptions<ProxyOptions> options, ILogger<SmtpMailSender> logger) : IMailSender
{
    public async Task SendAsync(OutgoingMail mail, CancellationToken cancellationToken)
    {
        var settings = options.Value.Mail;
        var smtp = settings.Smtp;
        var host = smtp.Host ?? throw new InvalidOperationException("AaiProxy:Mail:Smtp:Host is not set.");
        var message = MailMessages.Build(settings, mail);
        using var client = new SmtpClient { Timeout = (int)smtp.Timeout.TotalMilliseconds };
        try
        {
            await client.ConnectAsync(host, smtp.Port, SocketOptions(smtp.Security), cancellationToken);
            if (smtp.UserName is not null)
            {
                var password = (await File.ReadAllTextAsync(smtp.PasswordFile!, cancellationToken)).TrimEnd('\r', '\n');
                await client.AuthenticateAsync(smtp.UserName, password, cancellationToken);
            }

            await client.SendAsync(message, cancellationToken);
            await client.DisconnectAsync(quit: true, cancellationToken);
        }
        catch (Exception exception) when (exception is SmtpCommandException or SmtpProtocolException or AuthenticationException
                                              or SslHandshakeException or System.Net.Sockets.SocketException or IOException or TimeoutException)
        {
            MailLog.DeliveryFailed(logger, host, smtp.Port, MailLog.RecipientDomain(mail.To), exception.Message);
            throw new MailDeliveryException($"The mail server {smtp.Host}:{smtp.Port} did not accept the message: {exception.Message}", exception);
        }

        MailLog.Sent(logger, host, MailLog.RecipientDomain(mail.To), message.MessageId ?? "(no id)");
    }

    private static SecureSocketOptions SocketOptions(SmtpSecurity security) => security switch
    {
        SmtpSecurity.Tls => SecureSocketOptions.SslOnConnect,
        SmtpSecurity.None => SecureSocketOptions.None,
        _ => SecureSocketOptions.StartTls,
    };
}

/// <summary>The MIME shape of every message the proxy sends: text, and HTML as an alternative when given.</summary>
internal static class MailMessages
{
    public static MimeMessage Build(MailOptions settings, OutgoingMail mail)
    {
        var message = new MimeMessage();
        message.From.Add(new MailboxAddress(settings.FromName, MailboxAddress.Parse(settings.From).Address));
        message.To.Add(MailboxAddress.Parse(mail.To));
        message.Subject = mail.Subject;
        message.MessageId = MimeKit.Utils.MimeUtils.GenerateMessageId(MailboxAddress.Parse(settings.From).Domain);
        var body = new BodyBuilder { TextBody = mail.TextBody, HtmlBody = mail.HtmlBody };
        message.Body = body.ToMessageBody();
        return message;
    }
}
