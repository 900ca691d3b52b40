using AaiProxy.Server.Configuration;
using Microsoft.Extensions.Options;
using OpenIddict.Abstractions;

namespace AaiProxy.Server.Oidc;

/// <summary>
/// Every client's own settings (<see cref="ClientOptions"/>: resources, groups, logout URIs, token format, …), whether
/// declared in configuration or managed at run time: the one place the token pipeline, claim shaping and logout look a
/// client up. A declared client is read from configuration (the source of truth; its id can never be a managed
/// client's). Managed clients are held in memory, replaced on this node at each change and reloaded from the database
/// every <see cref="ProxyOptions.ManagedClientRefresh"/>, so a change made on another node applies here within that bound.
/// </summary>
public sealed class ClientCatalog
{
    private readonly Dictionary<string, ClientOptions> _configured;
    private readonly IServiceScopeFactory _scopes;
    private readonly Lock _gate = new();
    private Dictionary<string, ManagedClient> _managed = new(StringComparer.Ordinal);

    public ClientCatalog(IOptions<ProxyOptions> options, IServiceScopeFactory scopes)
    {
        _scopes = scopes;
        _configured = options.Value.Clients.DistinctBy(client => client.ClientId, StringComparer.Ordinal)
            .ToDictionary(client => client.ClientId, StringComparer.Ordinal);
    }

    /// <summary>The client's settings; null for a client the proxy does not know.</summary>
    public ClientOptions? Find(string clientId) =>
        _configured.GetValueOrDefault(clientId) ?? Volatile.Read(ref _managed).GetValueOrDefault(clientId)?.Settings;

    /// <summary>Declared in configuration: shown, never changed at run time.</summary>
    public bool IsConfigured(string clientId) => _configured.ContainsKey(clientId);

    /// <summary>Every known client: the declared ones, then the managed ones.</summary>
    public IEnumerable<ClientOptions> All => _configured.Values.Concat(Volatile.Read(ref _managed).Values.Select(client => client.Settings));

    public IReadOnlyCollection<ClientOptions> Configured => _configured.Values;

    public IReadOnlyCollection<ManagedClient> Managed => Volatile.Read(ref _managed).Values;

    public ManagedClient? FindManaged(string clientId) => Volatile.Read(ref _managed).GetValueOrDefault(clientId);

    /// <summary>A managed client as just stored on this node.</summary>
    public void Put(ManagedClient client)
    {
        lock (_gate)
        {
            _managed = new Dictionary<string, ManagedClient>(_managed, StringComparer.Ordinal) { [client.Settings.ClientId] = client };
        }
    }

    /// <summary>Reads every managed client from the database.</summary>
    public async Task RefreshAsync(CancellationToken cancellationToken)
    {
        await using var scope = _scopes.CreateAsyncScope();
        var applications = scope.ServiceProvider.GetRequiredService<IOpenIddictApplicationManager>();
        var managed = new Dictionary<string, ManagedClient>(StringComparer.Ordinal);
        await foreach (var application in applications.ListAsync(count: null, offset: null, cancellationToken))
        {
            if (ClientDescriber.ReadManaged(await applications.GetPropertiesAsync(application, cancellationToken)) is { } client &&
                !_configured.ContainsKey(client.Settings.ClientId))
            {
                managed[client.Settings.ClientId] = client;
            }
        }

        lock (_gate)
        {
            _managed = managed;
        }
    }
}

/// <summary>Reloads the managed clients every <see cref="ProxyOptions.ManagedClientRefresh"/> (other nodes' changes).</summary>
internal sealed class ClientCatalogRefresh(ClientCatalog catalog, IOptions<ProxyOptions> options, TimeProvider time, ILogger<ClientCatalogRefresh> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.ManagedClientRefresh, time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await catalog.RefreshAsync(stoppingToken);
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                ClientCatalogLog.RefreshFailed(logger, exception);
            }
        }
    }
}

internal static partial class ClientCatalogLog
{
    [LoggerMessage(EventId = 2400, Level = LogLevel.Warning, Message = "Managed clients not reloaded from the database; changes made on other nodes apply here once it answers again.")]
    public static partial void RefreshFailed(ILogger logger, Exception exception);
}
