namespace AaiProxy.Server.Configuration;

/// <summary>Outgoing e-mail (invitations, reminders, address verification): section <c>AaiProxy:Mail</c>.</summary>
public sealed class MailOptions
{
    /// <summary>The sender address, e.g. <c>aai@facility.example.org</c>.</summary>
    public string From { get; set; } = "aaiproxy@localhost";

    /// <summary>The sender's display name.</summary>
    public string FromName { get; set; } = "AaiProxy";

    public SmtpOptions Smtp { get; set; } = new();

    /// <summary>True when mail goes out through an SMTP server; false: into the in-memory development mailbox.</summary>
    public bool UsesSmtp => !string.IsNullOrWhiteSpace(Smtp.Host);
}

public sealed class SmtpOptions
{
    /// <summary>Unset: no SMTP server; outside <c>Production</c> mail then lands in the in-memory mailbox
    /// the demo shows at <c>/demo/mailbox</c>; in <c>Production</c> the proxy refuses to start.</summary>
    public string? Host { get; set; }

    public int Port { get; set; } = 587;

    /// <summary><c>StartTls</c> (default), <c>Tls</c> (implicit TLS, port 465) or <c>None</c> (only for a sink on loopback).</summary>
    public SmtpSecurity Security { get; set; } = SmtpSecurity.StartTls;

    public string? UserName { get; set; }

    /// <summary>A file holding the SMTP password (never the password itself in configuration).</summary>
    public string? PasswordFile { get; set; }

    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);
}

public enum SmtpSecurity
{
    StartTls,
    Tls,
    None,
}

internal static class MailOptionsValidation
{
    public static IEnumerable<string> Validate(MailOptions mail, bool production)
    {
        if (!MimeKit.MailboxAddress.TryParse(mail.From, out var from) || string.IsNullOrEmpty(from.Address) || !from.Address.Contains('@'))
        {
            yield return $"AaiProxy:Mail:From '{mail.From}' is not an e-mail address such as aai@facility.example.org.";
        }

        if (!mail.UsesSmtp)
        {
            if (production)
            {
                yield return "AaiProxy:Mail:Smtp:Host is required in the Production environment: invitations, reminders and address verification are sent by e-mail.";
            }

            yield break;
        }

        if (mail.Smtp.Port is < 1 or > 65535)
        {
            yield return $"AaiProxy:Mail:Smtp:Port {mail.Smtp.Port} is not a TCP port.";
        }

        if (mail.Smtp.Timeout <= TimeSpan.Zero)
        {
            yield return "AaiProxy:Mail:Smtp:Timeout must be positive, for example 00:00:30.";
        }

        if (mail.Smtp.UserName is not null && (mail.Smtp.PasswordFile is null || !File.Exists(mail.Smtp.PasswordFile)))
        {
            yield return $"AaiProxy:Mail:Smtp:UserName is set, so AaiProxy:Mail:Smtp:PasswordFile must name a readable file (is '{mail.Smtp.PasswordFile}').";
        }

        if (mail.Smtp.PasswordFile is not null && mail.Smtp.UserName is null)
        {
            yield return "AaiProxy:Mail:Smtp:PasswordFile is set without AaiProxy:Mail:Smtp:UserName.";
        }
    }
}
