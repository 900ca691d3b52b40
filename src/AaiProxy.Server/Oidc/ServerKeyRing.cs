using AaiProxy.Data;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;
using OpenIddict.Server;

namespace AaiProxy.Server.Oidc;

/// <summary>
/// Tells this node's key users that the stored key ring changed (a rotation here or on another node, a key whose
/// activation or retirement time came): OpenIddict's options are rebuilt from the database on their next use
/// (<see cref="IOptionsChangeTokenSource{TOptions}"/>), and <see cref="Generation"/> moves on for the SAML keys.
/// </summary>
internal sealed class ServerKeyRing : IOptionsChangeTokenSource<OpenIddictServerOptions>
{
    private readonly Lock gate = new();
    private CancellationTokenSource changed = new();
    private string? state;

    public string Name => Options.DefaultName;

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
