using System.Security.Cryptography.X509Certificates;
using AaiProxy.Data;
using AaiProxy.Data.Entities;
using AaiProxy.Identity;
using AaiProxy.Saml;
using AaiProxy.Server.Configuration;
using AaiProxy.Server.Storage;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;

namespace AaiProxy.Server.Upstream.Saml;

/// <summary>
/// Our SAML keys (the SP's signing and decryption keys, the embedded demo IdP's signing key) from the database, where
/// they are encrypted under the key-encryption key and shared by every node like the OpenID provider's keys. The first
/// node to start generates them (or moves in the key files an earlier version generated into the data directory).
/// Certificate files an operator configured (<c>AaiProxy:Saml:SigningCertificateFile</c>,
/// <c>DecryptionCertificateFiles</c>) take precedence and are not rotated here. When the key ring changes (a rotation
/// seen by the key rotation round on this node), the SP's keys are reloaded: the metadata publishes a pending successor,
/// and a replaced decryption key keeps decrypting during its overlap.
/// </summary>
internal sealed partial class ServiceProviderKeySource
{
    private readonly IServiceScopeFactory _scopes;
    private readonly DatabaseInitializer _database;
    private readonly SamlOptions _saml;
    private readonly ProxyOptions _proxy;
    private readonly KeyEncryptionKey _kek;
    private readonly TimeProvider _time;
    private readonly ILogger<ServiceProviderKeySource> _logger;

    public ServiceProviderKeySource(IServiceScopeFactory scopes, DatabaseInitializer database, IOptions<SamlOptions> saml, IOptions<ProxyOptions> proxy,
        KeyEncryptionKey kek, TimeProvider time, ServerKeyRing ring, ILogger<ServiceProviderKeySource> logger)
    {
        _scopes = scopes;
        _database = database;
        _saml = saml.Value;
        _proxy = proxy.Value;
        _kek = kek;
        _time = time;
        _logger = logger;
        Ring = new ServiceProviderKeyRing(Load());
        ChangeToken.OnChange(ring.GetChangeToken, Reload);
    }

    /// <summary>The SP's keys now, reloaded when the stored keys change.</summary>
    public ServiceProviderKeyRing Ring { get; }

    /// <summary>The embedded demo IdP's signing key pair (generated once, never rotated: a demo).</summary>
    public X509Certificate2 DemoIdentityProviderSigning()
    {
        var keys = Published(ServerKeyUsage.DemoIdpSigning, ServiceProviderCertificates.SigningAlgorithm, Path.Combine("demo-idp", "signing.pfx"));
        return ServiceProviderCertificates.FromStored(keys[0]);
    }

    private void Reload()
    {
        try
        {
            var keys = Load();
            Ring.Replace(keys);
            Reloaded(_logger, keys.Signing.Thumbprint, keys.PublishedSigning.Count, keys.Decryption.Count);
        }
        catch (Exception exception) when (exception is InvalidOperationException or System.Security.Cryptography.CryptographicException
            or Microsoft.EntityFrameworkCore.DbUpdateException or System.Data.Common.DbException)
        {
            ReloadFailed(_logger, exception);
        }
    }

    private ServiceProviderKeys Load()
    {
        ServiceProviderKeys signing;
        if (!string.IsNullOrWhiteSpace(_saml.SigningCertificateFile))
        {
            signing = new ServiceProviderKeys(ServiceProviderCertificates.Load(_saml.SigningCertificateFile, _saml.SigningCertificatePasswordFile), []);
        }
        else
        {
            var stored = Split(Published(ServerKeyUsage.SamlSigning, ServiceProviderCertificates.SigningAlgorithm, Path.Combine("saml", "sp-signing.pfx")));
            signing = new ServiceProviderKeys(stored.Current, [])
            {
                PublishedSigning = [stored.Current, .. stored.Pending],
                SigningAccepted = [stored.Current, .. stored.Pending, .. stored.Previous],
            };
        }

        if (_saml.DecryptionCertificateFiles.Count > 0)
        {
            List<X509Certificate2> files = [.. _saml.DecryptionCertificateFiles.Select(file => ServiceProviderCertificates.Load(file, passwordFile: null))];
            return signing with { Decryption = files, PublishedEncryption = [files[0]] };
        }

        var decryption = Split(Published(ServerKeyUsage.SamlDecryption, ServiceProviderCertificates.DecryptionAlgorithm, Path.Combine("saml", "sp-encryption.pfx")));
        return signing with
        {
            Decryption = [decryption.Current, .. decryption.Pending, .. decryption.Previous],
            PublishedEncryption = [decryption.Current, .. decryption.Pending],
        };
    }

    /// <summary>The published keys of a usage in the store's order (current first), provisioned when there are none: moved
    /// in from the file an earlier version generated at <paramref name="legacyFile"/> (in the data directory), or generated.</summary>
    private List<ServerKeyEntity> Published(ServerKeyUsage usage, string algorithm, string legacyFile)
    {
        _database.EnsureMigrated();
        using var scope = _scopes.CreateScope();
        var store = scope.ServiceProvider.GetRequiredService<ServerKeyStore>();
        var keys = store.Published(usage);
        if (keys.Count > 0)
        {
            return keys;
        }

        var path = Path.Combine(_proxy.DataDirectoryFullPath, legacyFile);
        if (ServiceProviderCertificates.ReadGeneratedFile(path, algorithm, _kek.DerivePassword(ServiceProviderCertificates.PasswordPurpose)) is { } moved)
        {
            if (store.Add(algorithm, usage, moved.PrivateKey, AuditActors.Configuration, moved.Certificate, AuditActions.KeyImported))
            {
                MovedIntoDatabase(_logger, path, ServerKeyStore.UsageName(usage));
            }
        }
        else
        {
            var generated = ServiceProviderCertificates.Generate(usage, algorithm, _time);
            store.Add(algorithm, usage, generated.PrivateKey, AuditActors.Configuration, generated.Certificate);
        }

        // Another node may have stored its key at the same moment: every node uses the one that was kept.
        return store.Published(usage);
    }

    /// <summary>The current key, a successor published ahead, predecessors within their overlap; as of now (after any provisioning).</summary>
    private (X509Certificate2 Current, List<X509Certificate2> Pending, List<X509Certificate2> Previous) Split(List<ServerKeyEntity> keys)
    {
        var now = _time.GetUtcNow();
        var activated = keys.Where(key => ServerKeyLifecycle.IsActivated(key, now)).ToList();
        // None activated: the first key of the usage, stored by a node whose clock is ahead of ours (skew); with no
        // predecessor to keep using, it is the current key here too (a successor never waits without one).
        var current = activated.FirstOrDefault() ?? keys.MinBy(key => key.Version)!;
        return (ServiceProviderCertificates.FromStored(current),
            [.. keys.Where(key => key != current && !ServerKeyLifecycle.IsActivated(key, now)).Select(ServiceProviderCertificates.FromStored)],
            [.. activated.Skip(1).Select(ServiceProviderCertificates.FromStored)]);
    }

    [LoggerMessage(EventId = 1012, Level = LogLevel.Information, Message = "SAML keys reloaded: signing with {Thumbprint}, {Published} signing key(s) in the metadata, {Decryption} decryption key(s).")]
    private static partial void Reloaded(ILogger logger, string thumbprint, int published, int decryption);

    [LoggerMessage(EventId = 1013, Level = LogLevel.Error, Message = "SAML keys could not be reloaded (database unreachable, or a key under another key-encryption key); the keys loaded before stay in use.")]
    private static partial void ReloadFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 1014, Level = LogLevel.Warning, Message = "The key file {Path} that an earlier version generated is now stored, encrypted, in the database as the {Usage} key; the file is no longer read and can be deleted.")]
    private static partial void MovedIntoDatabase(ILogger logger, string path, string usage);
}
