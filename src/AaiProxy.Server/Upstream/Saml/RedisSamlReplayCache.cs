using AaiProxy.Saml.Replay;
using StackExchange.Redis;

namespace AaiProxy.Server.Upstream.Saml;

/// <summary>
/// The assertion replay cache shared by every node: one atomic <c>SET NX</c> per assertion, expiring
/// with the assertion, so a response replayed to another node behind the load balancer is refused too.
/// When Redis does not answer, <see cref="SamlReplayCacheUnavailableException"/>: the response is refused (fail closed).
/// </summary>
internal sealed class RedisSamlReplayCache(IConnectionMultiplexer redis, TimeProvider time) : ISamlReplayCache
{
    private const string KeyPrefix = "aaiproxy:saml:assertion:";

    public async ValueTask<bool> TryAddAsync(string issuer, string assertionId, DateTimeOffset expiresAt, CancellationToken ct)
    {
        var lifetime = expiresAt - time.GetUtcNow();
        if (lifetime <= TimeSpan.Zero)
        {
            lifetime = TimeSpan.FromSeconds(1);
        }

        // Issuer and ID are joined with a character neither may contain unescaped in a key we build.
        var key = KeyPrefix + Uri.EscapeDataString(issuer) + "|" + Uri.EscapeDataString(assertionId);
        try
        {
            return await redis.GetDatabase().StringSetAsync(key, "1", lifetime, When.NotExists);
        }
        catch (Exception exception) when (exception is RedisException or RedisTimeoutException or ObjectDisposedException)
        {
            throw new SamlReplayCacheUnavailableException(
                $"The shared replay cache (Redis) did not answer whether assertion '{assertionId}' of {issuer} was used before.", exception);
        }
    }
}
