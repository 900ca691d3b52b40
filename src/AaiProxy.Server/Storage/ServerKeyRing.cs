using AaiProxy.Data;
using Microsoft.Extensions.Primitives;

namespace AaiProxy.Server.Storage;

/// <summary>
/// Tells this node's key users that the stored key ring changed (a rotation here or on another node, a key whose
/// activation or retirement time came) through <see cref="GetChangeToken"/>: OpenIddict's options are rebuilt from the
/// database on their next use, the SAML keys are reloaded.
/// </summary>
internal sealed class ServerKeyRing
{
    private readonly Lock gate = new();
    private CancellationTokenSource changed = new();
    private string? state;

    /// <summary>Moves on each time the ring changes; whoever caches keys compares it.</summary>
    public int Generation { get; private set; }

    public IChangeToken GetChangeToken()
    {
        lock (gate)
        {
            return new CancellationChangeToken(changed.Token);
        }
    }

    /// <summary>Compares the ring the stored keys give now (which keys are published, which activated) with the last one
    /// seen; signals a change. Returns whether it changed.</summary>
    public bool Refresh(IEnumerable<ServerKeyInfo> keys, DateTimeOffset now)
    {
        var current = string.Join(';', keys.Where(key => key.IsPublished(now)).OrderBy(key => key.Id, StringComparer.Ordinal)
            .Select(key => key.Id + (key.IsActivated(now) ? "+" : "-")));
        CancellationTokenSource previous;
        lock (gate)
        {
            if (current == state)
            {
                return false;
            }

            // The first call signals too: the options may have been built before another node's rotation.
            state = current;
            Generation++;
            previous = changed;
            changed = new CancellationTokenSource();
        }

        previous.Cancel();
        previous.Dispose();
        return true;
    }
}
