using MimeKit;

namespace AaiProxy.Tests.Shared;

/// <summary>
/// (Shared by the server and interop test projects.) The throwaway SMTP sink of the test-run contract (tests/peers/smtp.sh): <c>AAIPROXY_TEST_SMTP</c> =
/// host:port, <c>AAIPROXY_TEST_SMTP_MAILDIR</c> = the directory where it stores each accepted message as
/// one .eml file before its 250 reply — so once the proxy's send has returned, the file is there.
/// Without it a test needing mail is skipped, except with <c>CI=true</c>, where that is a failure.
/// </summary>
public static class SmtpSink
{
    /// <summary>Settings that send the proxy's mail to the sink.</summary>
    public static IReadOnlyDictionary<string, string> ProxySettings
    {
        get
        {
            var (host, port) = Endpoint;
            return new Dictionary<string, string>
            {
                ["AaiProxy:Mail:Smtp:Host"] = host,
                ["AaiProxy:Mail:Smtp:Port"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["AaiProxy:Mail:Smtp:Security"] = "None",
                ["AaiProxy:Mail:From"] = "aai@facility.example.org",
            };
        }
    }

    public static (string Host, int Port) Endpoint
    {
        get
        {
            var value = Required("AAIPROXY_TEST_SMTP");
            var colon = value.LastIndexOf(':');
            return (value[..colon], int.Parse(value[(colon + 1)..], System.Globalization.CultureInfo.InvariantCulture));
        }
    }

    /// <summary>Every message the sink holds for <paramref name="recipient"/>, oldest first. Recipients are
    /// unique per test (the sink is shared by the whole run).</summary>
    public static IReadOnlyList<MimeMessage> MessagesTo(string recipient) =>
        Directory.EnumerateFiles(Required("AAIPROXY_TEST_SMTP_MAILDIR"), "*.eml")
            .Order(StringComparer.Ordinal)
            .Select(path => MimeMessage.Load(path))
            .Where(message => message.To.Mailboxes.Any(to => string.Equals(to.Address, recipient, StringComparison.OrdinalIgnoreCase)))
            .ToList();

    /// <summary>A recipient address no other test uses.</summary>
    public static string UniqueRecipient(string name) => $"{name}-{Guid.NewGuid():N}@university.example.org";

    private static string Required(string variable)
    {
        var value = Environment.GetEnvironmentVariable(variable);
        if (!string.IsNullOrWhiteSpace(value))
        {
            return value;
        }

        var reason = $"{variable} is not set: start the SMTP sink (bash tests/peers/smtp.sh start <dir> <port>) and set " +
                     "AAIPROXY_TEST_SMTP=127.0.0.1:<port> and AAIPROXY_TEST_SMTP_MAILDIR=<dir>/mail.";
        if (string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidOperationException("Required peer unavailable (CI=true): " + reason);
        }

        throw new SkipException(reason);
    }
}
