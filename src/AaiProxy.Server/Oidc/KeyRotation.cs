using AaiProxy.Data;
using AaiProxy.Data.Entities;
using AaiProxy.Identity;
using AaiProxy.Server.Configuration;
using AaiProxy.Server.Storage;
using AaiProxy.Server.Upstream.Saml;
using Microsoft.Extensions.Options;

namespace AaiProxy.Server.Oidc;

/// <summary>Which keys an operator command acts on.</summary>
internal enum KeyUse
{
    /// <summary>The OpenID provider's signing key (configured algorithm) and, when rotating, its token encryption key.</summary>
    Oidc,

    /// <summary>Our SAML SP's signing key.</summary>
    SamlSigning,

    /// <summary>Our SAML SP's decryption key.</summary>
    SamlDecryption,

    /// <summary>Our SAML SP's signing and decryption keys.</summary>
    Saml,
}

/// <summary>
/// The key lifecycle: scheduled rotation of the OpenID provider's keys (<see cref="RunOnce"/>, run by
/// <see cref="KeyRotationService"/> on every node), rotation and import by an operator (<see cref="Rotate"/>,
/// <see cref="Import"/>). A successor is stored published-but-pending and activates after
/// <see cref="KeyRotationOptions.PublishAhead"/> (SAML: <see cref="KeyRotationOptions.SamlPublishAhead"/>), or at once
/// when the operator says so; its predecessor retires <see cref="Overlap"/> (SAML: <see cref="KeyRotationOptions.SamlOverlap"/>)
/// after that. Concurrent rotations on several nodes store one successor (the store's unique version), and a waiting
/// successor is never doubled.
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

                var stored = store.Successor(algorithm, usage, ServerKeys.GeneratePrivateKey(algorithm, options.Value.Keys.RsaSigningKeySize), null, now + Rotation.PublishAhead, Overlap,
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

    /// <summary>Rotates now (operator): a successor per usage, published at once and used after the publish-ahead time, or
    /// with <paramref name="immediately"/> from now on (a waiting successor is then brought forward instead). Without
    /// <paramref name="immediately"/> a successor that already waits is kept, not doubled. Returns, per usage, the key
    /// that signs (decrypts) next.</summary>
    public List<ServerKeyEntity> Rotate(KeyUse use, bool immediately, string actor)
    {
        using var scope = scopes.CreateScope();
        var store = scope.ServiceProvider.GetRequiredService<ServerKeyStore>();
        var result = new List<ServerKeyEntity>();
        foreach (var (usage, algorithm) in Targets(use))
        {
            var (publishAhead, overlap) = Schedule(usage);
            if (immediately && store.ActivateNow(usage, algorithm, overlap, actor) is { } broughtForward)
            {
                result.Add(broughtForward);
                continue;
            }

            var key = Generate(usage, algorithm);
            var now = time.GetUtcNow();
            var stored = store.Successor(algorithm, usage, key.PrivateKey, key.Certificate, immediately ? now : now + publishAhead, overlap, actor,
                AuditActions.KeyCreated);
            result.Add(stored.Created ?? stored.Newest ?? throw new InvalidOperationException($"No {ServerKeyStore.UsageName(usage)} key could be stored."));
        }

        ring.Refresh(store.List(), time.GetUtcNow());
        return result;
    }

    /// <summary>Stores an imported key as the successor of the OpenID provider's signing key (<see cref="KeyUse.Oidc"/>) or of
    /// the SAML keys, published at once and used after the publish-ahead time or, with <paramref name="immediately"/>, now.</summary>
    /// <exception cref="InvalidOperationException">The key does not fit the use (algorithm, certificate), or a successor already waits.</exception>
    public List<ServerKeyEntity> Import(KeyUse use, KeyMaterial key, bool immediately, string actor)
    {
        if (use != KeyUse.Oidc && (key.Certificate is null || key.Algorithm != SigningAlgorithms.RS256))
        {
            throw new InvalidOperationException("A SAML key is an RSA key with its certificate (PKCS#12, or PEM with a CERTIFICATE block).");
        }

        if (use == KeyUse.Oidc && key.Algorithm != options.Value.Tokens.SigningAlgorithm)
        {
            throw new InvalidOperationException($"The key is {key.Algorithm}, but AaiProxy:Tokens:SigningAlgorithm is {options.Value.Tokens.SigningAlgorithm}.");
        }

        using var scope = scopes.CreateScope();
        var store = scope.ServiceProvider.GetRequiredService<ServerKeyStore>();
        var result = new List<ServerKeyEntity>();
        foreach (var (usage, algorithm) in Targets(use).Where(target => target.Usage != ServerKeyUsage.Encryption))
        {
            var (publishAhead, overlap) = Schedule(usage);
            var now = time.GetUtcNow();
            var stored = store.Successor(algorithm, usage, key.PrivateKey, key.Certificate, immediately ? now : now + publishAhead, overlap, actor,
                AuditActions.KeyImported);
            result.Add(stored.Created ?? throw new InvalidOperationException(stored.Newest is { } waiting
                ? $"The {ServerKeyStore.UsageName(usage)} key {waiting.Id} (version {waiting.Version}) already waits to take over at {waiting.ActivatesAt:O}: activate it first (keys rotate --now), then import."
                : $"No {ServerKeyStore.UsageName(usage)} key could be stored."));
        }

        ring.Refresh(store.List(), time.GetUtcNow());
        return result;
    }

    /// <summary>A new key for a usage: the OpenID provider's bare keys, or an RSA key with a self-signed certificate for SAML.</summary>
    public KeyMaterial Generate(ServerKeyUsage usage, string algorithm) => usage switch
    {
        ServerKeyUsage.SamlSigning or ServerKeyUsage.SamlDecryption or ServerKeyUsage.DemoIdpSigning =>
            ServiceProviderCertificates.Generate(usage, algorithm, time),
        _ => new KeyMaterial(algorithm, ServerKeys.GeneratePrivateKey(algorithm, options.Value.Keys.RsaSigningKeySize), null),
    };

    private (TimeSpan PublishAhead, TimeSpan Overlap) Schedule(ServerKeyUsage usage) =>
        usage is ServerKeyUsage.Signing or ServerKeyUsage.Encryption ? (Rotation.PublishAhead, Overlap) : (Rotation.SamlPublishAhead, Rotation.SamlOverlap);

    private IEnumerable<(ServerKeyUsage Usage, string Algorithm)> Targets(KeyUse use) => use switch
    {
        KeyUse.Oidc => OidcKeys,
        KeyUse.SamlSigning => [(ServerKeyUsage.SamlSigning, ServiceProviderCertificates.SigningAlgorithm)],
        KeyUse.SamlDecryption => [(ServerKeyUsage.SamlDecryption, ServiceProviderCertificates.DecryptionAlgorithm)],
        _ => [(ServerKeyUsage.SamlSigning, ServiceProviderCertificates.SigningAlgorithm), (ServerKeyUsage.SamlDecryption, ServiceProviderCertificates.DecryptionAlgorithm)],
    };

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
