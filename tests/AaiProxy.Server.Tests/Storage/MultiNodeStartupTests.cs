using System.Security.Cryptography;
using AaiProxy.Server.Tests.Infrastructure;
using Microsoft.Extensions.Options;

namespace AaiProxy.Server.Tests.Storage;

/// <summary>Issue 20: on PostgreSQL (the database of several nodes) the proxy refuses to start without what nodes share,
/// unless the operator declares a single node. Validation runs before the database is opened: no PostgreSQL is needed.</summary>
public sealed class MultiNodeStartupTests(ProxyFixture fixture) : IClassFixture<ProxyFixture>
{
    private static readonly string Kek = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    private Dictionary<string, string> OnPostgreSql(params (string Key, string Value)[] settings)
    {
        var overrides = new Dictionary<string, string>
        {
            ["AaiProxy:Database:Provider"] = "PostgreSql",
            ["ConnectionStrings:AaiProxy"] = "Host=127.0.0.1;Port=1;Username=nobody;Database=none;Timeout=1",
            ["AaiProxy:SingleNode"] = "false",
        };
        foreach (var (key, value) in settings)
        {
            overrides[key] = value;
        }

        return overrides;
    }

    private async Task<string> StartupFailureAsync(Dictionary<string, string> overrides)
    {
        await using var proxy = new ProxyFactory(fixture.Database, overrides: overrides);
        var failure = Assert.ThrowsAny<Exception>(() => proxy.Server);
        return Assert.IsType<OptionsValidationException>(failure is AggregateException aggregate ? aggregate.InnerException : failure).Message;
    }

    [Fact]
    public async Task Refuses_postgresql_without_redis_or_key_encryption_key_naming_both_settings()
    {
        var message = await StartupFailureAsync(OnPostgreSql());

        Assert.Contains("AaiProxy:Redis:Configuration is not set", message);
        Assert.Contains("AaiProxy:Keys:EncryptionKeyFile", message);
        Assert.Contains("AaiProxy:SingleNode=true", message);
    }

    [Fact]
    public async Task Refuses_postgresql_with_a_key_encryption_key_but_without_redis()
    {
        var message = await StartupFailureAsync(OnPostgreSql(("AaiProxy:Keys:EncryptionKey", Kek)));

        Assert.Contains("AaiProxy:Redis:Configuration is not set", message);
        Assert.DoesNotContain("no key-encryption key is configured", message);
    }

    [Fact]
    public async Task Refuses_postgresql_with_redis_but_without_a_configured_key_encryption_key()
    {
        var message = await StartupFailureAsync(OnPostgreSql(("AaiProxy:Redis:Configuration", "127.0.0.1:1,abortConnect=false")));

        Assert.Contains("no key-encryption key is configured", message);
        Assert.DoesNotContain("AaiProxy:Redis:Configuration is not set", message);
    }

    [Fact]
    public async Task Refuses_postgresql_with_redis_and_key_encryption_key_but_without_a_shared_pairwise_secret_file()
    {
        var message = await StartupFailureAsync(OnPostgreSql(
            ("AaiProxy:Redis:Configuration", "127.0.0.1:1,abortConnect=false"), ("AaiProxy:Keys:EncryptionKey", Kek)));

        Assert.Contains("AaiProxy:Accounts:PairwiseSecretFile is not set", message);
        Assert.Contains("AaiProxy:SingleNode=true", message);
        Assert.DoesNotContain("AaiProxy:Redis:Configuration is not set", message);
        Assert.DoesNotContain("no key-encryption key is configured", message);
    }

    [Fact]
    public async Task Refuses_a_pairwise_secret_file_shorter_than_32_bytes()
    {
        var file = Path.GetTempFileName();
        try
        {
            await File.WriteAllBytesAsync(file, RandomNumberGenerator.GetBytes(16));

            var message = await StartupFailureAsync(OnPostgreSql(("AaiProxy:Redis:Configuration", "127.0.0.1:1,abortConnect=false"),
                ("AaiProxy:Keys:EncryptionKey", Kek), ("AaiProxy:Accounts:PairwiseSecretFile", file)));

            Assert.Contains($"AaiProxy:Accounts:PairwiseSecretFile '{file}' must hold at least 32 bytes", message);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task Refuses_a_pairwise_secret_file_that_does_not_exist()
    {
        var file = Path.Combine(Path.GetTempPath(), $"missing-pairwise-{Guid.NewGuid():N}");

        var message = await StartupFailureAsync(OnPostgreSql(("AaiProxy:Redis:Configuration", "127.0.0.1:1,abortConnect=false"),
            ("AaiProxy:Keys:EncryptionKey", Kek), ("AaiProxy:Accounts:PairwiseSecretFile", file)));

        Assert.Contains($"AaiProxy:Accounts:PairwiseSecretFile '{file}' does not exist", message);
    }

    [Fact]
    public async Task Postgresql_with_redis_key_encryption_key_and_pairwise_secret_file_passes_validation()
    {
        var file = Path.GetTempFileName();
        try
        {
            await File.WriteAllBytesAsync(file, RandomNumberGenerator.GetBytes(32));
            await using var proxy = new ProxyFactory(fixture.Database, overrides: OnPostgreSql(("AaiProxy:Redis:Configuration", "127.0.0.1:1,abortConnect=false"),
                ("AaiProxy:Keys:EncryptionKey", Kek), ("AaiProxy:Accounts:PairwiseSecretFile", file)));

            // Options validate; the start then fails only on the unreachable database (or Redis), not on configuration.
            var failure = Assert.ThrowsAny<Exception>(() => proxy.Server);
            Assert.IsNotType<OptionsValidationException>(failure is AggregateException aggregate ? aggregate.InnerException : failure);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task Single_node_declaration_lets_postgresql_start_validation_without_shared_pieces()
    {
        await using var proxy = new ProxyFactory(fixture.Database, overrides: OnPostgreSql(("AaiProxy:SingleNode", "true")));

        // Options validate; the start then fails only on the unreachable database, not on configuration.
        var failure = Assert.ThrowsAny<Exception>(() => proxy.Server);
        Assert.IsNotType<OptionsValidationException>(failure is AggregateException aggregate ? aggregate.InnerException : failure);
    }
}
