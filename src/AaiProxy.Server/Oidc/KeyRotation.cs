using AaiProxy.Data;
using AaiProxy.Data.Entities;
using AaiProxy.Identity;
using AaiProxy.Server.Configuration;
using Microsoft.Extensions.Options;

namespace AaiProxy.Server.Oidc;

/// <summary>
/// The key lifecycle: scheduled rotation (<see cref="RunOnce"/>, run by <see cref="KeyRotationService"/> on every node).
/// A successor is stored published-but-pending and activates after
/// <see cref="KeyRotationOptions.PublishAhead"/>; its predecessor retires <see cref="Overlap"/> after that. Concurrent
/// rotations on several nodes store one successor (the store's unique version), and a waiting successor is never doubled.
/// </summary>
internal sealed partial class KeyRotation(
    IServiceScopeFactory scopes, IOptions<ProxyOptions> options, TimeProvider time, ServerKeyRing ring, ILogger<KeyRotation> logger)
{

    private KeyRotationOptions Rotation => options.Value.Keys.Rotation;

    /// <summary>How long a replaced OpenID provider key stays in the ring: the longest token lifetime plus the clock skew,
    /// so that every token it signed (or encrypted: codes, refresh tokens) is still accepted until it expires.</summary>
    public TimeSpan Overlap
    {
        get
        {
            var tokens = options.Value.Tokens;
            return new[] { tokens.AccessTokenLifetime, tokens.IdentityTokenLifetime, tokens.AuthorizationCodeLifetime, tokens.RefreshTokenLifetime }.Max()
                + Rotation.ClockSkew;
        }
    }

    /// <summary>One scheduled round: audits activations and retirements whose time came, stores a successor for each
    /// OpenID provider key that is due, and reloads this node's key ring if anything (here or on another node) changed.
    /// Returns how many keys changed in this round.</summary>
    public int RunOnce()
    {
        using var scope = scopes.CreateScope();
        var store = scope.ServiceProvider.GetRequiredService<ServerKeyStore>();
        var changed = store.ApplyTransitions(AuditActors.KeyRotation);
        if (Rotation.Interval > TimeSpan.Zero)
        {
            var now = time.GetUtcNow();
            var keys = store.List();
            foreach (var (usage, algorithm) in OidcKeys)
            {
                var versions = keys.Where(key => key.Usage == usage && key.Algorithm == algorithm && key.IsPublished(now)).ToList();
                var current = versions.Where(key => key.IsActivated(now)).MaxBy(key => key.Version);
                if (current is null || versions.Any(key => !key.IsActivated(now)) || now < current.ActivatesAt + Rotation.Interval - Rotation.PublishAhead)
                {
                    continue;
                }

                var stored = store.Successor(algorithm, usage, ServerKeys.GeneratePrivateKey(algorithm), null, now + Rotation.PublishAhead, Overlap,
                    AuditActors.KeyRotation, AuditActions.KeyCreated);
                if (stored.Created is { } created)
                {
                    changed++;
                    RotationScheduled(logger, ServerKeyStore.UsageName(usage), created.Id, created.ActivatesAt);
                }
            }
        }

        ring.Refresh(store.List(), time.GetUtcNow());
        return changed;
    }

    /// <summary>The OpenID provider's keys that rotate: the signing key (configured algorithm) and the token encryption key.</summary>
    private (ServerKeyUsage Usage, string Algorithm)[] OidcKeys =>
        [(ServerKeyUsage.Signing, options.Value.Tokens.SigningAlgorithm), (ServerKeyUsage.Encryption, ServerKeys.EncryptionAlgorithm)];

    [LoggerMessage(EventId = 1010, Level = LogLevel.Information, Message = "Key rotation: the next {Usage} key {KeyId} is published and signs from {ActivatesAt:O}.")]
    private static partial void RotationScheduled(ILogger logger, string usage, string keyId, DateTimeOffset activatesAt);
}

/// <summary>Runs <see cref="KeyRotation.RunOnce"/> every <see cref="KeyRotationOptions.CheckInterval"/> on the injected
/// <see cref="TimeProvider"/>; a failed round is logged and the next one tries again.</summary>
internal sealed partial class KeyRotationService(KeyRotation rotation, IOptions<ProxyOptions> options, TimeProvider time, ILogger<KeyRotationService> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.Keys.Rotation.CheckInterval, time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                rotation.RunOnce();
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                RoundFailed(logger, exception);
            }
        }
    }

    [LoggerMessage(EventId = 1011, Level = LogLevel.Error, Message = "Key rotation round failed (database unreachable, or a key under another key-encryption key); the next round retries.")]
    private static partial void RoundFailed(ILogger logger, Exception exception);
}
