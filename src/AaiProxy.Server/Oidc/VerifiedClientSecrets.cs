using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using AaiProxy.Server.Configuration;
using Microsoft.Extensions.Options;

namespace AaiProxy.Server.Oidc;

/// <summary>
/// Remembers for a short time (<see cref="TokenOptions.VerifiedSecretLifetime"/>) that a client secret
/// matched a stored secret hash, so that a client calling the token or introspection endpoint in a loop
/// pays OpenIddict's PBKDF2 once per lifetime instead of once per request. The stored hash stays PBKDF2
/// (human-chosen secrets keep their protection at rest); only an HMAC-SHA256 of the verified secret, under
/// a key that never leaves this process, is kept in memory, keyed by the stored hash itself: a rotated
/// secret has a new hash (new salt), so nothing remembered for the old one applies to it.
/// Once a hash has a remembered secret, any other secret presented against it is known to be wrong
/// without PBKDF2 (one hash accepts one secret), so wrong guesses become cheap as well. Comparisons are
/// constant-time.
/// </summary>
internal sealed class VerifiedClientSecrets(TimeProvider time, IOptions<ProxyOptions> options)
{
    /// <summary>Past this many remembered hashes everything is forgotten (clients are few; hashes only change on rotation).</summary>
    internal const int Capacity = 10_000;

    private readonly byte[] _key = RandomNumberGenerator.GetBytes(32);
    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);

    private TimeSpan Lifetime => options.Value.Tokens.VerifiedSecretLifetime;

    /// <summary>
    /// Whether <paramref name="secret"/> is the one last verified against <paramref name="storedHash"/>
    /// within the lifetime; null when nothing is remembered for that hash (PBKDF2 must decide).
    /// </summary>
    public bool? Matches(string storedHash, string secret)
    {
        if (!_entries.TryGetValue(storedHash, out var entry))
        {
            return null;
        }

        if (time.GetUtcNow() >= entry.Expires)
        {
            _entries.TryRemove(KeyValuePair.Create(storedHash, entry));
            return null;
        }

        return CryptographicOperations.FixedTimeEquals(Mac(secret), entry.Mac);
    }

    /// <summary>Remember that PBKDF2 accepted <paramref name="secret"/> for <paramref name="storedHash"/>.</summary>
    public void Remember(string storedHash, string secret)
    {
        if (Lifetime <= TimeSpan.Zero)
        {
            return;
        }

        if (_entries.Count >= Capacity)
        {
            _entries.Clear();
        }

        _entries[storedHash] = new Entry(Mac(secret), time.GetUtcNow() + Lifetime);
    }

    private byte[] Mac(string secret) => HMACSHA256.HashData(_key, Encoding.UTF8.GetBytes(secret));

    private sealed record Entry(byte[] Mac, DateTimeOffset Expires);
}
