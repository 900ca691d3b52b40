namespace AaiProxy.Server.Groups.Invitations;

/// <summary>
/// Sends, every <see cref="Interval"/> on the injected <see cref="TimeProvider"/>, the invitations bulk
/// imports asked for (<see cref="InvitationService.SendRequestedAsync"/>), so that an import of thousands
/// answers at once and its mails follow. A round that fails is logged; the next one tries again (a request
/// whose mail failed after it was issued keeps its link: a manager sees it pending and can withdraw it).
/// </summary>
internal sealed class RequestedInvitationSender(IServiceScopeFactory scopes, TimeProvider time, ILogger<RequestedInvitationSender> logger) : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromMinutes(1);
    private const int Batch = 100;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, time);
        do
        {
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                var invitations = scope.ServiceProvider.GetRequiredService<InvitationService>();
                while (await invitations.SendRequestedAsync(Batch, stoppingToken) == Batch)
                {
                }
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                InvitationLog.RequestedInvitationsFailed(logger, exception);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }
}
