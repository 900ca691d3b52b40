using System.Net.Sockets;
using AaiProxy.Server.Mail;
using AaiProxy.Server.Tests.Infrastructure;
using AaiProxy.Tests.Shared;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace AaiProxy.Server.Tests.Mail;

public sealed class MailTests(ProxyFixture fixture) : IClassFixture<ProxyFixture>
{
    [SkippableFact]
    public async Task Sends_text_and_html_alternatives_through_smtp_to_the_sink()
    {
        await using var factory = new ProxyFactory(fixture.Database, overrides: SmtpSink.ProxySettings);
        var recipient = SmtpSink.UniqueRecipient("carol");

        await factory.Services.GetRequiredService<IMailSender>().SendAsync(
            new OutgoingMail(recipient, "You are invited to DEMO-2026-017", "Accept: https://aai.example.org/invitations/abc", "<p>Accept</p>"),
            CancellationToken.None);

        var message = Assert.Single(SmtpSink.MessagesTo(recipient));
        Assert.Equal("You are invited to DEMO-2026-017", message.Subject);
        Assert.Equal("aai@facility.example.org", Assert.Single(message.From.Mailboxes).Address);
        Assert.Contains("https://aai.example.org/invitations/abc", message.TextBody);
        Assert.Contains("<p>Accept</p>", message.HtmlBody);
        Assert.False(string.IsNullOrEmpty(message.MessageId));
    }

    [SkippableFact]
    public async Task Logs_the_recipient_domain_and_never_the_address_or_the_body()
    {
        await using var factory = new ProxyFactory(fixture.Database, overrides: SmtpSink.ProxySettings);
        var recipient = SmtpSink.UniqueRecipient("bob");

        await factory.Services.GetRequiredService<IMailSender>().SendAsync(
            new OutgoingMail(recipient, "Verify", "secret-link-token-123"), CancellationToken.None);

        var line = Assert.Single(factory.Logs.Lines, line => line.StartsWith("Mail to a recipient at", StringComparison.Ordinal));
        Assert.Contains("at university.example.org accepted by 127.0.0.1", line);
        Assert.DoesNotContain(factory.Logs.Lines, line => line.Contains(recipient, StringComparison.OrdinalIgnoreCase));
        Assert.DoesNotContain(factory.Logs.Lines, line => line.Contains("secret-link-token-123", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_server_that_cannot_be_reached_is_a_delivery_error_naming_the_server()
    {
        using var listener = new TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var closedPort = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        await using var factory = new ProxyFactory(fixture.Database, overrides: new Dictionary<string, string>
        {
            ["AaiProxy:Mail:Smtp:Host"] = "127.0.0.1",
            ["AaiProxy:Mail:Smtp:Port"] = closedPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["AaiProxy:Mail:Smtp:Security"] = "None",
        });

        var failure = await Assert.ThrowsAsync<MailDeliveryException>(() => factory.Services.GetRequiredService<IMailSender>()
            .SendAsync(new OutgoingMail("dana@university.example.org", "Hello", "text"), CancellationToken.None));

        Assert.Contains($"127.0.0.1:{closedPort}", failure.Message);
        Assert.Contains(factory.Logs.Lines, line => line.Contains("not accepted by 127.0.0.1", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Without_an_smtp_server_the_demo_keeps_mail_in_its_mailbox_page_with_clickable_links()
    {
        await using var factory = new ProxyFactory(fixture.Database);
        await factory.Services.GetRequiredService<IMailSender>().SendAsync(
            new OutgoingMail("dana@university.example.org", "Verify your address <now>", "Open http://localhost/verify?t=a&b=c to verify."),
            CancellationToken.None);

        var page = await factory.CreateClient().GetStringAsync("/demo/mailbox");

        Assert.Contains("Verify your address &lt;now&gt;", page);
        Assert.Contains("<a href=\"http://localhost/verify?t=a&amp;b=c\">", page);
        Assert.Contains("data-mail-to=\"dana@university.example.org\"", page);
    }

    [Fact]
    public async Task Production_without_an_smtp_server_refuses_to_start_naming_the_key()
    {
        await using var factory = new ProxyFactory(fixture.Database, environment: "Production", overrides: new Dictionary<string, string>
        {
            ["AaiProxy:Demo:Enabled"] = "false",
            ["AaiProxy:Issuer"] = "https://aai.example.org/",
        });

        var failure = Assert.ThrowsAny<Exception>(() => factory.Server);

        var validation = Assert.IsType<OptionsValidationException>(failure is AggregateException aggregate ? aggregate.InnerException : failure);
        Assert.Contains("AaiProxy:Mail:Smtp:Host is required", validation.Message);
    }

    [Fact]
    public async Task A_user_name_without_a_password_file_refuses_to_start()
    {
        await using var factory = new ProxyFactory(fixture.Database, overrides: new Dictionary<string, string>
        {
            ["AaiProxy:Mail:Smtp:Host"] = "smtp.example.org",
            ["AaiProxy:Mail:Smtp:UserName"] = "aai",
        });

        var failure = Assert.ThrowsAny<Exception>(() => factory.Server);

        var validation = Assert.IsType<OptionsValidationException>(failure is AggregateException aggregate ? aggregate.InnerException : failure);
        Assert.Contains("AaiProxy:Mail:Smtp:PasswordFile", validation.Message);
    }
}
