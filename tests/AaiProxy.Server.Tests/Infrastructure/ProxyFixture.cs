namespace AaiProxy.Server.Tests.Infrastructure;

/// <summary>One database and one running proxy shared by the tests of a class.</summary>
public class ProxyFixture : IAsyncLifetime
{
    /// <summary>Configuration the proxy of this fixture runs with, besides the database's.</summary>
    protected virtual IReadOnlyDictionary<string, string>? Overrides => null;

    public TestDatabase Database { get; private set; } = null!;

    public ProxyFactory Factory { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Database = await TestDatabase.CreateAsync();
        Factory = new ProxyFactory(Database, overrides: Overrides);
        _ = Factory.Server; // start now: migrations, keys and clients are ready before the first test
    }

    public async Task DisposeAsync()
    {
        await Factory.DisposeAsync();
        await Database.DisposeAsync();
    }
}
