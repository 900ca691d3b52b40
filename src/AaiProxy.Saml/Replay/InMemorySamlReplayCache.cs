using System.Collections.Concurrent;

namespace AaiProxy.Saml.Replay;

/// <summary>A replay cache for a single node. Several nodes need a shared one (Redis).</summary>
public sealed class InMemorySamlReplayCache(TimeProvider time) : ISamlReplayCache
{
    private const int PurgeEvery = 256;
    private readonly ConcurrentDictionary<(string Issuer, string AssertionId), DateTimeOffset> _seen = new();
    private int _additions;

    public ValueTask<bool> TryAddAsync(string issuer, string assertionId, DateTimeOffset expiresAt, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        if (Interlocked.Increment(ref _additions) % PurgeEvery == 0)
        {
            PurgeExpired(now);
        }

        var key = (issuer, assertionId);
        while (true)
        {
            if (_seen.TryAdd(key, expiresAt))
            {
                return ValueTask.FromResult(true);
            }

            if (_seen.TryGetValue(key, out var existing) && existing > now)
            {
                return ValueTask.FromResult(false);
            }

            // The remembered entry has expired: replace it, unless another caller just did.
            if (_seen.TryUpdate(key, expiresAt, existing))
            {
                return ValueTask.FromResult(true);
            }
        }
    }

    private void PurgeExpired(DateTimeOffset now)
    {
        foreach (var entry in _seen)
        {
            if (entry.Value <= now)
            {
                _seen.TryRemove(entry);
            }
        }
    }
}
