using System.Threading.RateLimiting;
using AaiProxy.Server.Configuration;
using RedisRateLimiting;
using StackExchange.Redis;

namespace AaiProxy.Server.Web;

/// <summary>
/// The fixed-window buckets of the rate-limited endpoints, one per endpoint and caller (<see cref="RateLimitCaller"/>):
/// counted in Redis when Redis is configured, so every node spends one shared budget (RedisRateLimiting's fixed window, an
/// atomic script per request), else in this node's memory. When Redis does not answer, requests are neither refused nor
/// let through unlimited: each node counts on its own with the same limits (<see cref="SharedFixedWindowRateLimiter"/>),
/// logs a warning once, and asks Redis again after <see cref="RedisRetryInterval"/>. docs/multi-node.md explains why.
/// </summary>
internal sealed partial class RateLimitBuckets(RateLimitOptions options, IConnectionMultiplexer? redis, TimeProvider time, ILogger<RateLimitBuckets> logger)
{
    /// <summary>Prefix of the bucket names (Redis keys <c>rl:fw:{aaiproxy:ratelimit:ENDPOINT:CALLER}</c>).</summary>
    public const string KeyPrefix = "aaiproxy:ratelimit:";

    /// <summary>How long a node counts on its own after Redis failed to answer, before it asks Redis again.</summary>
    public static readonly TimeSpan RedisRetryInterval = TimeSpan.FromSeconds(15);

    private long redisUnavailableUntilTicks;
    private int redisFailing;

    /// <summary>Whether the buckets are shared through Redis (else per node).</summary>
    public bool Shared => redis is not null;

    /// <summary>Whether requests are counted in Redis now (false for <see cref="RedisRetryInterval"/> after a failure).</summary>
    public bool RedisAvailable => time.GetUtcNow().UtcTicks >= Interlocked.Read(ref redisUnavailableUntilTicks);

    public RateLimitPartition<string> Partition(string endpoint, string caller)
    {
        var window = options.For(endpoint);
        var key = KeyPrefix + endpoint + ":" + caller;
        return redis is null
            ? RateLimitPartition.GetFixedWindowLimiter(key, _ => window)
            : RateLimitPartition.Get(key, partitionKey => new SharedFixedWindowRateLimiter(
                new RedisFixedWindowRateLimiter<string>(partitionKey, new RedisFixedWindowRateLimiterOptions
                {
                    PermitLimit = window.PermitLimit,
                    Window = window.Window,
                    ConnectionMultiplexerFactory = () => redis,
                }),
                new FixedWindowRateLimiter(window),
                this));
    }

    /// <summary>How long a refused caller should wait: the local limiter's <see cref="MetadataName.RetryAfter"/>, or the
    /// seconds left in the shared window.</summary>
    public static TimeSpan? RetryAfter(RateLimitLease lease) =>
        lease.TryGetMetadata(MetadataName.RetryAfter, out var local) ? local
        : lease.TryGetMetadata(RateLimitMetadataName.RetryAfter, out var seconds) ? TimeSpan.FromSeconds(seconds)
        : null;

    internal void RedisAnswered()
    {
        if (Interlocked.Exchange(ref redisFailing, 0) == 1)
        {
            Log.RedisBack(logger);
        }
    }

    internal void RedisFailed(Exception exception)
    {
        Interlocked.Exchange(ref redisUnavailableUntilTicks, (time.GetUtcNow() + RedisRetryInterval).UtcTicks);
        if (Interlocked.Exchange(ref redisFailing, 1) == 0)
        {
            Log.RedisUnavailable(logger, exception, RedisRetryInterval);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 1020, Level = LogLevel.Warning,
            Message = "Rate limits cannot be counted in Redis: each node counts on its own with the same limits until Redis answers (asked again every {RetryInterval}).")]
        public static partial void RedisUnavailable(ILogger logger, Exception exception, TimeSpan retryInterval);

        [LoggerMessage(EventId = 1021, Level = LogLevel.Information, Message = "Rate limits are counted in Redis again, shared by every node.")]
        public static partial void RedisBack(ILogger logger);
    }
}

/// <summary>One bucket counted in Redis, falling back to a bucket of this node's own while Redis does not answer.</summary>
internal sealed class SharedFixedWindowRateLimiter(RateLimiter shared, RateLimiter local, RateLimitBuckets buckets) : RateLimiter
{
    public override TimeSpan? IdleDuration =>
        shared.IdleDuration is { } sharedIdle && local.IdleDuration is { } localIdle ? TimeSpan.FromTicks(Math.Min(sharedIdle.Ticks, localIdle.Ticks)) : null;

    // RedisFixedWindowRateLimiter keeps no statistics (it throws); the local bucket's are this node's view.
    public override RateLimiterStatistics? GetStatistics() => local.GetStatistics();

    // Redis is only asked asynchronously: the shared limiter's synchronous attempt always defers to AcquireAsync.
    protected override RateLimitLease AttemptAcquireCore(int permitCount) =>
        buckets.RedisAvailable ? shared.AttemptAcquire(permitCount) : local.AttemptAcquire(permitCount);

    protected override async ValueTask<RateLimitLease> AcquireAsyncCore(int permitCount, CancellationToken cancellationToken)
    {
        if (buckets.RedisAvailable)
        {
            try
            {
                var lease = await shared.AcquireAsync(permitCount, cancellationToken);
                buckets.RedisAnswered();
                return lease;
            }
            catch (Exception exception) when (exception is RedisException or RedisTimeoutException)
            {
                buckets.RedisFailed(exception);
            }
        }

        return await local.AcquireAsync(permitCount, cancellationToken);
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            shared.Dispose();
            local.Dispose();
        }

        base.Dispose(disposing);
    }

    protected override async ValueTask DisposeAsyncCore()
    {
        await shared.DisposeAsync();
        await local.DisposeAsync();
    }
}
