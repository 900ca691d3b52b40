using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using AaiProxy.Data;
using AaiProxy.Data.Entities;
using AaiProxy.Identity;
using AaiProxy.Server.Configuration;
using Microsoft.Extensions.Options;

namespace AaiProxy.Server.Oidc;

/// <summary>Which keys an operator command acts on.</summary>
internal enum KeyUse
{
    /// <summary>The OpenID provider's signing key (configured algorithm) and token encryption key.</summary>
    Oidc,

    /// <summary>Our SAML SP's signing and decryption keys.</summary>
    Saml,
}

/// <summary>A key pair (or symmetric key) ready to store: PKCS#8 (or raw bytes), and for SAML the DER certificate.</summary>
internal sealed record KeyMaterial(string Algorithm, byte[] PrivateKey, byte[]? Certificate);

/// <summary>
/// The key lifecycle: scheduled rotation (<see cref="RunOnce"/>, run by <see cref="KeyRotationService"/> on every node),
/// rotation and import by an operator. A successor is stored published-but-pending and activates after
/// <see cref="KeyRotationOptions.PublishAhead"/>; its predecessor retires <see cref="Overlap"/> after that. Concurrent
/// rotations on several nodes store one successor (the store's unique version), and a waiting successor is never doubled.
/// </summary>
internal sealed partial class KeyRotation(
    IServiceScopeFactory scopes, IOptions<ProxyOptions> options, TimeProvider time, ServerKeyRing ring, ILogger<KeyRotation> logger)
{
    public const string SamlSigningAlgorithm = "RS256";
    public const string SamlDecryptionAlgorithm = "RSA-OAEP";
    private static readonly TimeSpan CertificateValidity = TimeSpan.FromDays(3650);

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
            foreach (var (usage, algorithm) in Targets(KeyUse.Oidc))
            {
                var versions = keys.Where(key => key.Usage == usage && key.Algorithm == algorithm && key.IsPublished(now)).ToList();
                var current = versions.Where(key => key.IsActivated(now)).MaxBy(key => key.Version);
                if (current is null || versions.Any(key => !key.IsActivated(now)) || now < current.ActivatesAt + Rotation.Interval - Rotation.PublishAhead)
                {
                    continue;
                }

                var stored = store.Successor(algorithm, usage, Generate(usage, algorithm).PrivateKey, null, now + Rotation.PublishAhead, Overlap,
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

    /// <summary>Rotates now (operator): a successor published at once and used after the publish-ahead time, or with
    /// <paramref name="immediately"/> from now on (a waiting successor is then brought forward). Returns the keys that
    /// will sign next, one per usage.</summary>
    public List<ServerKeyEntity> Rotate(KeyUse use, bool immediately, string actor) =>
        Store(use, immediately, actor, AuditActions.KeyCreated, (usage, algorithm) => Generate(usage, algorithm));

    /// <summary>Stores an imported key as the successor of every usage of <paramref name="use"/>.</summary>
    /// <exception cref="InvalidOperationException">The key does not fit the use (algorithm, certificate).</exception>
    public List<ServerKeyEntity> Import(KeyUse use, KeyMaterial key, bool immediately, string actor)
    {
        if (use == KeyUse.Saml && (key.Certificate is null || key.Algorithm != SigningAlgorithms.RS256))
        {
            throw new InvalidOperationException("A SAML key is an RSA key with its certificate (PKCS#12, or PEM with a CERTIFICATE block).");
        }

        if (use == KeyUse.Oidc && key.Algorithm != options.Value.Tokens.SigningAlgorithm)
        {
            throw new InvalidOperationException($"The key is {key.Algorithm}, but AaiProxy:Tokens:SigningAlgorithm is {options.Value.Tokens.SigningAlgorithm}.");
        }

        return Store(use, immediately, actor, AuditActions.KeyImported, (usage, _) => key with
        {
            Algorithm = usage == ServerKeyUsage.SamlDecryption ? SamlDecryptionAlgorithm : key.Algorithm,
        }, oidcUsages: [ServerKeyUsage.Signing]);
    }

    private List<ServerKeyEntity> Store(KeyUse use, bool immediately, string actor, string action, Func<ServerKeyUsage, string, KeyMaterial> material,
        ServerKeyUsage[]? oidcUsages = null)
    {
        var (publishAhead, overlap) = use == KeyUse.Saml ? (Rotation.SamlPublishAhead, Rotation.SamlOverlap) : (Rotation.PublishAhead, Overlap);
        using var scope = scopes.CreateScope();
        var store = scope.ServiceProvider.GetRequiredService<ServerKeyStore>();
        var result = new List<ServerKeyEntity>();
        foreach (var (usage, algorithm) in Targets(use).Where(target => use == KeyUse.Saml || oidcUsages is null || oidcUsages.Contains(target.Usage)))
        {
            if (immediately && action == AuditActions.KeyCreated && store.ActivateNow(usage, algorithm, overlap, actor) is { } broughtForward)
            {
                result.Add(broughtForward);
                continue;
            }

            var key = material(usage, algorithm);
            var now = time.GetUtcNow();
            var stored = store.Successor(key.Algorithm, usage, key.PrivateKey, key.Certificate, immediately ? now : now + publishAhead, overlap, actor, action);
            result.Add(stored.Created ?? stored.Newest ?? throw new InvalidOperationException($"No {ServerKeyStore.UsageName(usage)} key could be stored."));
        }

        ring.Refresh(store.List(), time.GetUtcNow());
        return result;
    }

    private IEnumerable<(ServerKeyUsage Usage, string Algorithm)> Targets(KeyUse use) => use switch
    {
        KeyUse.Oidc => [(ServerKeyUsage.Signing, options.Value.Tokens.SigningAlgorithm), (ServerKeyUsage.Encryption, ServerKeys.EncryptionAlgorithm)],
        _ => [(ServerKeyUsage.SamlSigning, SamlSigningAlgorithm), (ServerKeyUsage.SamlDecryption, SamlDecryptionAlgorithm)],
    };

    /// <summary>A new key for a usage: the OpenID provider's bare keys, or an RSA key with a self-signed certificate for SAML.</summary>
    public KeyMaterial Generate(ServerKeyUsage usage, string algorithm) => usage switch
    {
        ServerKeyUsage.SamlSigning => Certified(algorithm, "AaiProxy SAML signing", X509KeyUsageFlags.DigitalSignature),
        ServerKeyUsage.SamlDecryption => Certified(algorithm, "AaiProxy SAML encryption", X509KeyUsageFlags.KeyEncipherment | X509KeyUsageFlags.DataEncipherment),
        ServerKeyUsage.DemoIdpSigning => Certified(algorithm, "AaiProxy demo IdP", X509KeyUsageFlags.DigitalSignature),
        _ => new KeyMaterial(algorithm, ServerKeys.GeneratePrivateKey(algorithm), null),
    };

    private KeyMaterial Certified(string algorithm, string subject, X509KeyUsageFlags flags)
    {
        using var rsa = RSA.Create(3072);
        var request = new CertificateRequest($"CN={subject}", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509KeyUsageExtension(flags, critical: true));
        var now = time.GetUtcNow();
        using var certificate = request.CreateSelfSigned(now.AddMinutes(-5), now.Add(CertificateValidity));
        return new KeyMaterial(algorithm, rsa.ExportPkcs8PrivateKey(), certificate.RawData);
    }

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

/// <summary>Reads a key an operator imports: PKCS#12 (<c>.pfx</c>, <c>.p12</c>) or PEM (a private key, optionally
/// encrypted, and for SAML its certificate).</summary>
internal static class KeyFiles
{
    public static KeyMaterial Read(string path, string? password)
    {
        if (!File.Exists(path))
        {
            throw new InvalidOperationException($"The key file '{path}' does not exist.");
        }

        try
        {
            return Path.GetExtension(path).ToLowerInvariant() is ".pfx" or ".p12" ? FromPkcs12(path, password) : FromPem(File.ReadAllText(path), password);
        }
        catch (Exception exception) when (exception is CryptographicException or ArgumentException)
        {
            throw new InvalidOperationException($"The key file '{path}' holds no usable private key (wrong password, or not PEM/PKCS#12): {exception.Message}", exception);
        }
    }

    private static KeyMaterial FromPkcs12(string path, string? password)
    {
        using var certificate = X509CertificateLoader.LoadPkcs12FromFile(path, password, X509KeyStorageFlags.EphemeralKeySet | X509KeyStorageFlags.Exportable);
        using var rsa = certificate.GetRSAPrivateKey();
        using var ecdsa = rsa is null ? certificate.GetECDsaPrivateKey() : null;
        return rsa is not null ? new KeyMaterial(SigningAlgorithms.RS256, rsa.ExportPkcs8PrivateKey(), certificate.RawData)
            : ecdsa is not null ? new KeyMaterial(SigningAlgorithms.ES256, ecdsa.ExportPkcs8PrivateKey(), certificate.RawData)
            : throw new InvalidOperationException($"The PKCS#12 file '{path}' holds no RSA or EC private key.");
    }

    private static KeyMaterial FromPem(string pem, string? password)
    {
        byte[]? certificate = pem.Contains("-----BEGIN CERTIFICATE-----", StringComparison.Ordinal)
            ? X509Certificate2.CreateFromPem(pem).RawData
            : null;
        try
        {
            using var rsa = RSA.Create();
            Import(rsa, pem, password);
            return new KeyMaterial(SigningAlgorithms.RS256, rsa.ExportPkcs8PrivateKey(), certificate);
        }
        catch (Exception exception) when (exception is CryptographicException or ArgumentException)
        {
            using var ecdsa = ECDsa.Create();
            Import(ecdsa, pem, password);
            if (ecdsa.KeySize != 256)
            {
                throw new InvalidOperationException("An EC key must be on P-256 (ES256).");
            }

            return new KeyMaterial(SigningAlgorithms.ES256, ecdsa.ExportPkcs8PrivateKey(), certificate);
        }
    }

    private static void Import(AsymmetricAlgorithm key, string pem, string? password)
    {
        if (password is null)
        {
            key.ImportFromPem(pem);
        }
        else
        {
            key.ImportFromEncryptedPem(pem, password);
        }

        // A PEM with only a public key imports too: it must sign.
        _ = key is RSA rsa ? rsa.ExportRSAPrivateKey() : ((ECDsa)key).ExportECPrivateKey();
    }
}
