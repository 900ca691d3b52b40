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
        _ = await proxy.CreateClient().GetStringAsync("/saml/metadata"); // the SP's key files exist

        var rows = await RowsAsync(proxy);
        Assert.NotEmpty(rows);
        Assert.All(rows, row =>
        {
            Assert.True(KeyEncryptionKey.IsProtected(row.PrivateKey));
            if (row.Usage == ServerKeyUsage.Signing)
            {
                using var rsa = RSA.Create();
                Assert.ThrowsAny<CryptographicException>(() => rsa.ImportPkcs8PrivateKey(row.PrivateKey, out _));
            }
        });

        var dataProtectionKeys = Directory.GetFiles(Path.Combine(database.DataDirectory, "keys"), "*.xml");
        Assert.NotEmpty(dataProtectionKeys);
        Assert.All(dataProtectionKeys, file =>
        {
            var xml = File.ReadAllText(file);
            Assert.DoesNotContain("<masterKey", xml);
            Assert.Contains("<encryptedKey", xml);
        });

        var keyFiles = Directory.GetFiles(database.DataDirectory, "*.pfx", SearchOption.AllDirectories);
        Assert.NotEmpty(keyFiles);
        Assert.All(keyFiles, file => Assert.ThrowsAny<CryptographicException>(() => X509CertificateLoader.LoadPkcs12FromFile(file, null)));
        Assert.False(File.Exists(Path.Combine(database.DataDirectory, "key-encryption-key")));
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
