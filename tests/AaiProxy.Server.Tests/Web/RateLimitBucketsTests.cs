using System.Threading.RateLimiting;
using AaiProxy.Server.Configuration;
using AaiProxy.Server.Tests.Infrastructure;
using AaiProxy.Server.Web;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using StackExchange.Redis;

namespace AaiProxy.Server.Tests.Web;

/// <summary>The rate-limit buckets: shared through Redis when it answers, counted on this node with the same limits
/// (never unlimited, never refused for Redis's sake) while it does not.</summary>
public sealed class RateLimitBucketsTests
{
    private const string UnreachableRedis = "127.0.0.1:1,abortConnect=false,connectTimeout=500,syncTimeout=1000,asyncTimeout=1000,connectRetry=0";

    private static readonly RateLimitOptions TwoPerTenMinutes = new() { PermitLimit = 2, Window = TimeSpan.FromMinutes(10) };

    [Fact]
    public async Task Unreachable_redis_leaves_each_node_counting_on_its_own_and_warns_once_until_it_asks_again()
    {
        await using var redis = await ConnectionMultiplexer.ConnectAsync(UnreachableRedis);
        var time = new FakeTimeProvider(DateTimeOffset.Parse("2026-01-05T10:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
        using var logs = new CapturedLogs();
        var buckets = new RateLimitBuckets(TwoPerTenMinutes, redis, time, new Logger<RateLimitBuckets>(new LoggerFactory([logs])));
        using var limiter = Limiter(buckets, "client:" + Guid.NewGuid().ToString("N"));

        var acquired = new List<bool>();
        for (var request = 0; request < 3; request++)
        {
            using var lease = await limiter.AcquireAsync();
            acquired.Add(lease.IsAcquired);
        }

        Assert.Equal([true, true, false], acquired);
        Assert.Single(logs.Lines, line => line.StartsWith("Rate limits cannot be counted in Redis", StringComparison.Ordinal));
        Assert.False(buckets.RedisAvailable);

        time.Advance(RateLimitBuckets.RedisRetryInterval);
        Assert.True(buckets.RedisAvailable);
        using (var afterRetry = await limiter.AcquireAsync())
        {
            Assert.False(afterRetry.IsAcquired); // Redis failed again: still this node's own, exhausted bucket
        }

        Assert.False(buckets.RedisAvailable);
        Assert.Single(logs.Lines, line => line.StartsWith("Rate limits cannot be counted in Redis", StringComparison.Ordinal));
    }

    [SkippableFact]
    public async Task Buckets_of_two_nodes_on_one_redis_share_the_budget_and_say_how_long_to_wait()
    {
        await using var redis = await ConnectionMultiplexer.ConnectAsync(TestRedis.Configuration);
        var caller = "client:" + Guid.NewGuid().ToString("N");
        using var logs = new CapturedLogs();
        var loggers = new LoggerFactory([logs]);
        using var nodeA = Limiter(new RateLimitBuckets(TwoPerTenMinutes, redis, TimeProvider.System, new Logger<RateLimitBuckets>(loggers)), caller);
        using var nodeB = Limiter(new RateLimitBuckets(TwoPerTenMinutes, redis, TimeProvider.System, new Logger<RateLimitBuckets>(loggers)), caller);

        using var first = await nodeA.AcquireAsync();
        using var second = await nodeB.AcquireAsync();
        using var third = await nodeA.AcquireAsync();

        Assert.True(first.IsAcquired);
        Assert.True(second.IsAcquired);
        Assert.False(third.IsAcquired);
        var retryAfter = RateLimitBuckets.RetryAfter(third);
        Assert.NotNull(retryAfter);
        Assert.InRange(retryAfter.Value, TimeSpan.FromMinutes(9), TimeSpan.FromMinutes(10));
        Assert.Empty(logs.Lines);
    }

    [Fact]
    public void Without_redis_a_refused_lease_says_to_wait_for_the_window()
    {
        var buckets = new RateLimitBuckets(TwoPerTenMinutes, redis: null, TimeProvider.System, new Logger<RateLimitBuckets>(new LoggerFactory()));
        using var limiter = Limiter(buckets, "ip:192.0.2.1");
        using var first = limiter.AttemptAcquire();
        using var second = limiter.AttemptAcquire();

        using var refused = limiter.AttemptAcquire();

        Assert.False(buckets.Shared);
        Assert.False(refused.IsAcquired);
        Assert.Equal(TimeSpan.FromMinutes(10), RateLimitBuckets.RetryAfter(refused));
    }

    private static RateLimiter Limiter(RateLimitBuckets buckets, string caller)
    {
        var partition = buckets.Partition(RateLimitedEndpoints.Token, caller);
        return partition.Factory(partition.PartitionKey);
    }
}
