using AaiProxy.Groups;
using AaiProxy.Groups.Management;
using AaiProxy.Server.Configuration;
using AaiProxy.Server.Mail;
using Microsoft.Extensions.Options;

namespace AaiProxy.Server.Groups.Invitations;

/// <summary>
/// Mails members and the group's managers <c>AaiProxy:Groups:ExpiryReminderDays</c> days before a
/// membership ends, once per end date (a renewed membership is reminded again before its new end).
/// Runs every <c>ExpiryReminderInterval</c> on the injected <see cref="TimeProvider"/>; a round that
/// fails is logged and the next one tries again (a reminder is recorded only after its mails went out).
/// </summary>
internal sealed class ExpiryReminderService(
    IServiceScopeFactory scopes, IOptions<ProxyOptions> options, TimeProvider time, ILogger<ExpiryReminderService> logger) : BackgroundService
{
    private const int Batch = 100;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var groups = options.Value.Groups;
        if (groups.ExpiryReminderDays == 0)
            return;
        using var timer = new PeriodicTimer(groups.ExpiryReminderInterval, time);
        do
        {
            try
            {
                await RunOnceAsync(stoppingToken);
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                InvitationLog.ExpiryRemindersFailed(logger, exception);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    /// <summary>One round: every membership due now is reminded. Returns how many.</summary>
    public async Task<int> RunOnceAsync(CancellationToken cancellationToken)
    {
        var notice = TimeSpan.FromDays(options.Value.Groups.ExpiryReminderDays);
        await using var scope = scopes.CreateAsyncScope();
        var store = scope.ServiceProvider.GetRequiredService<IExpiryReminderStore>();
        var directory = scope.ServiceProvider.GetRequiredService<IGroupDirectory>();
        var mail = scope.ServiceProvider.GetRequiredService<IMailSender>();
        var links = scope.ServiceProvider.GetRequiredService<GroupLinks>();
        var reminded = 0;
        while (true)
        {
            var now = time.GetUtcNow();
            var due = await store.LoadDueAsync(notice, now, Batch, cancellationToken);
            foreach (var reminder in due)
            {
                var member = await directory.FindPersonAsync(reminder.Membership.AccountId, cancellationToken);
                var sent = 0;
                foreach (var address in member?.Emails ?? [])
                {
                    await mail.SendAsync(InvitationMail.ReminderToMember(address, reminder), cancellationToken);
                    sent++;
                }

                var link = links.Absolute(GroupLinks.GroupPagePath(reminder.Group.Id));
                foreach (var managerId in reminder.Managers)
                foreach (var address in (await directory.FindPersonAsync(managerId, cancellationToken))?.Emails ?? [])
                {
                    await mail.SendAsync(InvitationMail.ReminderToManager(address, reminder, member?.Username ?? reminder.Membership.AccountId, link),
                        cancellationToken);
                    sent++;
                }

                if (sent == 0)
                    InvitationLog.ExpiryReminderNobodyToMail(logger, reminder.Membership.AccountId, reminder.Group.Id);
                else
                    InvitationLog.ExpiryReminderSent(logger, reminder.Membership.AccountId, reminder.Group.Id, reminder.Membership.End!.Value, sent);
                await store.MarkRemindedAsync(reminder.Membership, now, cancellationToken);
                reminded++;
            }

            if (due.Count < Batch)
                return reminded;
        }
    }
}
