using AaiProxy.Data;
using Microsoft.Extensions.Options;

namespace AaiProxy.Server.Accounts;

/// <summary>Applies <c>AaiProxy:Accounts:AuditRetention</c> and <c>AttributeRetention</c> at start and then every
/// <c>RetentionInterval</c>, on the injected clock.</summary>
internal sealed class RetentionService(IServiceScopeFactory scopes, IOptions<AccountsOptions> options, TimeProvider time,
    ILogger<RetentionService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.RetentionInterval, time);
        do
        {
            try
            {
                await PruneOnceAsync(stoppingToken);
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                AccountsLog.RetentionFailed(logger, exception);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    public async Task PruneOnceAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var now = time.GetUtcNow();
        var settings = options.Value;
        var (audits, attributes) = await scope.ServiceProvider.GetRequiredService<AccountStore>()
            .PruneAsync(now - settings.AuditRetention, now - settings.AttributeRetention, cancellationToken);
        AccountsLog.Pruned(logger, audits, attributes);
    }
}
