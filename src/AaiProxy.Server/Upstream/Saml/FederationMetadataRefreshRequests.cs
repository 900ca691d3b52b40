using AaiProxy.Data;
using AaiProxy.Federation;
using AaiProxy.Identity;
using Microsoft.EntityFrameworkCore;

namespace AaiProxy.Server.Upstream.Saml;

/// <summary>
/// <c>metadata refresh</c>: an operator asks every node to read its federation aggregates again now rather than when
/// their timers are due (a federation rolled its signing key, an IdP joined). The request is an audit event
/// (<see cref="AuditActions.MetadataRefreshRequested"/>) in the database every node shares, so it reaches every node with
/// nothing else to configure; each node looks for a newer one every <see cref="PollInterval"/> (an indexed lookup by
/// target) and re-reads its aggregates when it finds one. MDQ answers keep their own per-entity cache.
/// </summary>
internal sealed partial class FederationMetadataRefreshRequests(
    IServiceScopeFactory scopes, FederationMetadataProvider federations, TimeProvider time, ILogger<FederationMetadataRefreshRequests> logger)
    : IHostedService, IDisposable
{
    /// <summary>The target of the request events.</summary>
    public const string Target = "federation-metadata";

    /// <summary>How often a node looks for a new request.</summary>
    public static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(30);

    private ITimer? timer;
    private long seen;
    private int polling;

    /// <summary>Records the request (the operator as actor) for every node to find.</summary>
    public static Task RequestAsync(IServiceProvider services, CancellationToken cancellationToken) =>
        services.GetRequiredService<IAuditLog>().RecordAsync(
            new AuditEvent(AuditActors.Operator, AuditActions.MetadataRefreshRequested, Target, new Dictionary<string, string>()), cancellationToken);

    /// <summary>Requests made before this node started are behind it: it read its aggregates at start.</summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        try
        {
            seen = await LatestRequestAsync(cancellationToken);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            Log.LookupFailed(logger, exception); // seen stays 0: the first lookup that works re-reads once more, harmlessly
        }

        timer = time.CreateTimer(_ => _ = PollAsync(), null, PollInterval, PollInterval);
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        timer?.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        return Task.CompletedTask;
    }

    public void Dispose() => timer?.Dispose();

    private async Task PollAsync()
    {
        if (Interlocked.Exchange(ref polling, 1) == 1)
        {
            return; // the previous lookup (or re-read) is still running
        }

        try
        {
            var latest = await LatestRequestAsync(CancellationToken.None);
            if (latest > seen)
            {
                seen = latest;
                Log.Refreshing(logger, latest);
                await federations.RefreshAsync(CancellationToken.None);
            }
        }
        catch (Exception exception) when (exception is not ObjectDisposedException)
        {
            Log.LookupFailed(logger, exception);
        }
        finally
        {
            Volatile.Write(ref polling, 0);
        }
    }

    private async Task<long> LatestRequestAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ProxyDbContext>();
        return await db.AuditEvents
            .Where(auditEvent => auditEvent.Target == Target && auditEvent.Action == AuditActions.MetadataRefreshRequested)
            .MaxAsync(auditEvent => (long?)auditEvent.Id, cancellationToken) ?? 0;
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 3060, Level = LogLevel.Information, Message = "Reading the federation aggregates again: an operator asked for it (audit event {AuditEventId}).")]
        public static partial void Refreshing(ILogger logger, long auditEventId);

        [LoggerMessage(EventId = 3061, Level = LogLevel.Warning, Message = "Could not look for operator requests to re-read federation metadata; the aggregates' own timers still run.")]
        public static partial void LookupFailed(ILogger logger, Exception exception);
    }
}
