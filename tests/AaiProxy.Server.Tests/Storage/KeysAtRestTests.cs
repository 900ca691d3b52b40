using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using AaiProxy.Data;
using AaiProxy.Data.Entities;
using AaiProxy.Identity;
using AaiProxy.Server.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace AaiProxy.Server.Tests.Storage;

/// <summary>Issue 20: whoever reads a backup of the database or the data directory cannot mint tokens.</summary>
public sealed class KeysAtRestTests : IAsyncLifetime
{
    private readonly string kekFile = Path.Combine(Path.GetTempPath(), $"aaiproxy-kek-{Guid.NewGuid():N}");
    private TestDatabase database = null!;

    public async Task InitializeAsync()
    {
        await File.WriteAllTextAsync(kekFile, Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)));
        database = await TestDatabase.CreateAsync();
    }

    public async Task DisposeAsync()
    {
        await database.DisposeAsync();
        File.Delete(kekFile);
    }

    private ProxyFactory Proxy(string? kek = null) =>
        new(database, overrides: new Dictionary<string, string> { ["AaiProxy:Keys:EncryptionKeyFile"] = kek ?? kekFile });

    [Fact]
    public async Task Neither_the_database_nor_the_data_directory_holds_a_plaintext_private_key()
    {
        await using var proxy = Proxy();
        using var jwks = JsonDocument.Parse(await proxy.CreateClient().GetStringAsync("/.well-known/jwks"));
        Assert.NotEmpty(jwks.RootElement.GetProperty("keys").EnumerateArray());
        _ = await proxy.CreateClient().GetStringAsync("/saml/metadata"); // the SP's keys exist
        _ = await proxy.CreateClient().GetStringAsync("/demo-idp/metadata"); // and the demo IdP's
        await using (var scope = proxy.Services.CreateAsyncScope())
        {
            // A data-protection key exists once something was protected.
            scope.ServiceProvider.GetRequiredService<Microsoft.AspNetCore.DataProtection.IDataProtectionProvider>().CreateProtector("test").Protect("x"u8.ToArray());
        }

        // Every key row, read as stored: encrypted, and no importable key.
        var rows = await RowsAsync(proxy);
        Assert.Equal(
            [ServerKeyUsage.Signing, ServerKeyUsage.Encryption, ServerKeyUsage.SamlSigning, ServerKeyUsage.SamlDecryption, ServerKeyUsage.DemoIdpSigning],
            rows.Select(row => row.Usage).Order());
        var kek = new KeyEncryptionKey(Convert.FromBase64String(await File.ReadAllTextAsync(kekFile)));
        var plaintexts = new List<byte[]>();
        Assert.All(rows, row =>
        {
            Assert.True(KeyEncryptionKey.IsProtected(row.PrivateKey), $"{row.Usage} key {row.Id} is not encrypted");
            Assert.False(ImportsAsPrivateKey(row.PrivateKey), $"{row.Usage} key {row.Id} imports as a private key");
            plaintexts.Add(kek.Unprotect(row.PrivateKey, "server-key:" + row.Id));
        });
        Assert.All(plaintexts.Where(plaintext => plaintext.Length > 32), plaintext => Assert.True(ImportsAsPrivateKey(plaintext))); // the check above can fail

        // Data-protection keys: wrapped by the KEK, never the bare master key.
        var dataProtectionKeys = Directory.GetFiles(Path.Combine(database.DataDirectory, "keys"), "*.xml");
        Assert.NotEmpty(dataProtectionKeys);
        Assert.All(dataProtectionKeys, file =>
        {
            var xml = File.ReadAllText(file);
            Assert.DoesNotContain("<masterKey", xml);
            Assert.Contains("<encryptedKey", xml);
        });

        // Every file in the data directory (the SQLite database too): no unencrypted PEM or PKCS#12 private key, and none
        // of the stored keys' bytes, raw or in base64.
        var files = Directory.GetFiles(database.DataDirectory, "*", SearchOption.AllDirectories);
        Assert.NotEmpty(files);
        Assert.All(files, file =>
        {
            var bytes = File.ReadAllBytes(file);
            var text = System.Text.Encoding.Latin1.GetString(bytes);
            Assert.DoesNotMatch(@"-----BEGIN (RSA |EC )?PRIVATE KEY-----", text);
            if (Path.GetExtension(file) is ".pfx" or ".p12")
            {
                Assert.ThrowsAny<CryptographicException>(() => X509CertificateLoader.LoadPkcs12FromFile(file, null));
                Assert.ThrowsAny<CryptographicException>(() => X509CertificateLoader.LoadPkcs12FromFile(file, ""));
            }

            Assert.All(plaintexts, plaintext =>
            {
                Assert.False(bytes.AsSpan().IndexOf(plaintext) >= 0, $"{file} holds a private key in plaintext");
                Assert.DoesNotContain(Convert.ToBase64String(plaintext), text);
            });
        });
        Assert.False(File.Exists(Path.Combine(database.DataDirectory, "key-encryption-key")));
    }

    [Fact]
    public async Task A_SAML_key_file_an_earlier_version_generated_moves_into_the_database_with_its_certificate()
    {
        // As an earlier version wrote it: a PKCS#12 in the data directory, protected with a password derived from the KEK.
        var kek = new KeyEncryptionKey(Convert.FromBase64String(await File.ReadAllTextAsync(kekFile)));
        using var rsa = RSA.Create(2048);
        var request = new CertificateRequest("CN=AaiProxy SAML signing", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        using var legacy = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(1));
        Directory.CreateDirectory(Path.Combine(database.DataDirectory, "saml"));
        await File.WriteAllBytesAsync(Path.Combine(database.DataDirectory, "saml", "sp-signing.pfx"),
            legacy.Export(X509ContentType.Pkcs12, kek.DerivePassword("generated-pkcs12")));

        await using var proxy = Proxy();
        var metadata = await proxy.CreateClient().GetStringAsync("/saml/metadata");

        Assert.Contains(Convert.ToBase64String(legacy.RawData), metadata);
        var stored = Assert.Single(await RowsAsync(proxy), row => row.Usage == ServerKeyUsage.SamlSigning);
        Assert.Equal(legacy.RawData, stored.Certificate);
        Assert.True(KeyEncryptionKey.IsProtected(stored.PrivateKey));
        Assert.Contains(await AuditAsync(proxy), entry => entry.Action == AuditActions.KeyImported && entry.Target == stored.Id);
    }

    /// <summary>Whether the bytes import as an RSA or EC private key (PKCS#8).</summary>
    private static bool ImportsAsPrivateKey(byte[] bytes)
    {
        foreach (var algorithm in new Func<AsymmetricAlgorithm>[] { RSA.Create, ECDsa.Create })
        {
            using var key = algorithm();
            try
            {
                key.ImportPkcs8PrivateKey(bytes, out _);
                return true;
            }
            catch (CryptographicException)
            {
            }
        }

        return false;
    }

    [Fact]
    public async Task A_key_stored_in_plaintext_by_an_older_version_is_encrypted_at_start_and_keeps_its_kid()
    {
        string kid;
        await using (var first = Proxy())
        {
            _ = first.Server;
            await using var scope = first.Services.CreateAsyncScope();
            var kek = scope.ServiceProvider.GetRequiredService<KeyEncryptionKey>();
            var db = scope.ServiceProvider.GetRequiredService<ProxyDbContext>();
            var signing = await db.ServerKeys.SingleAsync(key => key.Usage == ServerKeyUsage.Signing);
            kid = signing.Id;
            signing.PrivateKey = kek.Unprotect(signing.PrivateKey, "server-key:" + signing.Id); // as an older version stored it
            await db.SaveChangesAsync();
        }

        await using var restarted = Proxy();
        using var jwks = JsonDocument.Parse(await restarted.CreateClient().GetStringAsync("/.well-known/jwks"));

        Assert.Contains(jwks.RootElement.GetProperty("keys").EnumerateArray(), key => key.GetProperty("kid").GetString() == kid);
        Assert.True(KeyEncryptionKey.IsProtected((await RowsAsync(restarted)).Single(row => row.Id == kid).PrivateKey));
        Assert.Contains(await AuditAsync(restarted), entry => entry.Action == AuditActions.KeyProtected && entry.Target == kid);
    }

    [Fact]
    public async Task Another_key_encryption_key_cannot_load_the_stored_keys()
    {
        await using (var first = Proxy())
        {
            _ = first.Server;
        }

        var other = kekFile + ".other";
        await File.WriteAllTextAsync(other, Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)));
        try
        {
            await using var wrong = Proxy(other);
            var failure = Assert.ThrowsAny<Exception>(() => wrong.Server);
            Assert.Contains("protected by another key-encryption key", failure.ToString());
        }
        finally
        {
            File.Delete(other);
        }
    }

    [Theory]
    [InlineData("Production", null, "AaiProxy:Keys:EncryptionKeyFile (or AaiProxy__Keys__EncryptionKey in the environment) is required")]
    [InlineData("Development", "bm90IDMyIGJ5dGVz", "must be the base64 of exactly 32 bytes")]
    public async Task Refuses_to_start_without_a_usable_key_encryption_key(string environment, string? key, string expected)
    {
        var overrides = new Dictionary<string, string> { ["AaiProxy:Demo:Enabled"] = "false", ["AaiProxy:Issuer"] = "https://aai.example.org/" };
        if (key is not null)
        {
            overrides["AaiProxy:Keys:EncryptionKey"] = key;
        }

        await using var proxy = new ProxyFactory(database, environment, overrides);

        var failure = Assert.ThrowsAny<Exception>(() => proxy.Server);
        var validation = Assert.IsType<OptionsValidationException>(failure is AggregateException aggregate ? aggregate.InnerException : failure);
        Assert.Contains(expected, validation.Message);
    }

    private static async Task<List<ServerKeyEntity>> RowsAsync(ProxyFactory proxy)
    {
        await using var scope = proxy.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<ProxyDbContext>().ServerKeys.AsNoTracking().ToListAsync();
    }

    private static async Task<List<AuditEventEntity>> AuditAsync(ProxyFactory proxy)
    {
        await using var scope = proxy.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<ProxyDbContext>().AuditEvents.AsNoTracking().ToListAsync();
    }
}
