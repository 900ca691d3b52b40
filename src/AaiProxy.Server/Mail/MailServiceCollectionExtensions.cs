using AaiProxy.Server.Configuration;
using Microsoft.Extensions.Options;

namespace AaiProxy.Server.Mail;

internal static class MailServiceCollectionExtensions
{
    /// <summary>SMTP when <c>AaiProxy:Mail:Smtp:Host</c> is set, the development mailbox otherwise (start-up
    /// validation refuses that in production).</summary>
    public static IServiceCollection AddProxyMail(this IServiceCollection services)
    {
        services.AddSingleton<DevelopmentMailbox>();
        services.AddSingleton<SmtpMailSender>();
        services.AddSingleton<IMailSender>(provider => provider.GetRequiredService<IOptions<ProxyOptions>>().Value.Mail.UsesSmtp
            ? provider.GetRequiredService<SmtpMailSender>()
            : provider.GetRequiredService<DevelopmentMailbox>());
        return services;
    }
}
