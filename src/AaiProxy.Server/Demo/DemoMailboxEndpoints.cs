using System.Text;
using System.Text.RegularExpressions;
using AaiProxy.Server.Configuration;
using AaiProxy.Server.Mail;
using AaiProxy.Server.Web;
using Microsoft.Extensions.Options;

namespace AaiProxy.Server.Demo;

/// <summary>The demo mailbox: the messages the proxy "sent" while no SMTP server is configured, newest
/// first, with the links in each message made clickable (invitation and verification links).</summary>
internal static partial class DemoMailboxEndpoints
{
    public const string Path = "/demo/mailbox";

    public static IEndpointRouteBuilder MapDemoMailbox(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet(Path, (DevelopmentMailbox mailbox, IOptions<ProxyOptions> options) =>
            HtmlPage.Render("Demo mailbox", Render(mailbox.Messages, options.Value.Mail)));
        return endpoints;
    }

    private static string Render(IReadOnlyList<ReceivedMail> messages, MailOptions mail)
    {
        if (mail.UsesSmtp)
        {
            return $"<p>Mail goes to the SMTP server <code>{HtmlPage.Encode(mail.Smtp.Host)}:{mail.Smtp.Port}</code>, not to this mailbox.</p>";
        }

        if (messages.Count == 0)
        {
            return "<p>No mail yet. Invitations, reminders and address verifications sent by the demo appear here.</p>";
        }

        var html = new StringBuilder($"<p>{messages.Count} message(s), newest first (at most {DevelopmentMailbox.Capacity} are kept, in memory only).</p>");
        foreach (var (receivedAt, message) in messages)
        {
            html.Append("<article class=\"mail\" data-mail-to=\"").Append(HtmlPage.Encode(message.To)).Append("\">")
                .Append("<h2>").Append(HtmlPage.Encode(message.Subject)).Append("</h2>")
                .Append("<p>To <code>").Append(HtmlPage.Encode(message.To)).Append("</code>, ")
                .Append(HtmlPage.Encode(receivedAt.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", System.Globalization.CultureInfo.InvariantCulture))).Append("</p>")
                .Append("<pre>").Append(Linked(message.TextBody)).Append("</pre></article>");
        }

        return html.ToString();
    }

    /// <summary>The text, encoded, with each http(s) URL in it as a link.</summary>
    private static string Linked(string text)
    {
        var html = new StringBuilder();
        var last = 0;
        foreach (Match match in UrlPattern().Matches(text))
        {
            html.Append(HtmlPage.Encode(text[last..match.Index]));
            var url = HtmlPage.Encode(match.Value);
            html.Append("<a href=\"").Append(url).Append("\">").Append(url).Append("</a>");
            last = match.Index + match.Length;
        }

        return html.Append(HtmlPage.Encode(text[last..])).ToString();
    }

    [GeneratedRegex(@"https?://[^\s<>""]+")]
    private static partial Regex UrlPattern();
}
