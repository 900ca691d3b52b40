using AaiProxy.Federation.Model;
using AaiProxy.Federation.Sources;

namespace AaiProxy.Server.Upstream.Saml;

/// <summary>One configured MDQ service: its provider (per-entity cache, signature check) and the IdPs fetched ahead
/// of any login so that the discovery page lists them.</summary>
internal sealed record MdqFederation(string Name, MdqMetadataProvider Provider, IReadOnlyList<string> Prefetch, TimeSpan RefreshInterval);

/// <summary>
/// The MDQ services of <c>AaiProxy:Saml:Federations</c>, asked in configuration order for an IdP that no aggregate
/// has. An IdP unknown to a service (404), or whose answer is refused (bad signature, wrong entity, expired), is
/// remembered for the service's negative-cache duration. Prefetched IdPs are asked for at start-up and again on a
/// timer of the injected <see cref="TimeProvider"/>.
/// </summary>
internal sealed class MdqFederations(IReadOnlyList<MdqFederation> services, TimeProvider time, ILogger<MdqFederations> logger) : IDisposable
{
    private readonly List<ITimer> _timers = [];

    public IReadOnlyList<MdqFederation> Services { get; } = services;

    public int Version => Services.Sum(service => service.Provider.Version);

    public FederationEntity? FindCached(string entityId)
    {
        foreach (var service in Services)
        {
            if (service.Provider.FindCached(entityId) is { } entity)
            {
                return entity;
            }
        }

        return null;
    }

    public async ValueTask<FederationEntity?> FindAsync(string entityId, CancellationToken cancellationToken)
    {
        foreach (var service in Services)
        {
            if (await service.Provider.FindEntityAsync(entityId, cancellationToken) is { } entity)
            {
                return entity;
            }
        }

        return null;
    }

    /// <summary>The IdPs the services have answered for and that are still valid (an entity ID once).</summary>
    public IEnumerable<FederationEntity> List()
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var service in Services)
        {
            foreach (var entity in service.Provider.CachedEntities())
            {
                if (seen.Add(entity.EntityId))
                {
                    yield return entity;
                }
            }
        }
    }

    /// <summary>Asks every service for its prefetched IdPs (failures are logged and negatively cached by the provider).</summary>
    public Task PrefetchAsync(CancellationToken cancellationToken) =>
        Task.WhenAll(Services.Select(service => PrefetchAsync(service, cancellationToken)));

    public void StartRefreshing()
    {
        lock (_timers)
        {
            foreach (var service in Services.Where(service => service.Prefetch.Count > 0))
            {
                _timers.Add(time.CreateTimer(_ => _ = PrefetchAsync(service, CancellationToken.None), null,
                    service.RefreshInterval, service.RefreshInterval));
            }
        }
    }

    // Refused and unknown answers are the provider's to log and cache; anything else must not stop the start or the timer.
    private async Task PrefetchAsync(MdqFederation service, CancellationToken cancellationToken)
    {
        foreach (var entityId in service.Prefetch)
        {
            try
            {
                await service.Provider.FindEntityAsync(entityId, cancellationToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                SamlLog.MdqPrefetchFailed(logger, service.Name, entityId, ex);
            }
        }
    }

    public void Dispose()
    {
        lock (_timers)
        {
            foreach (var timer in _timers)
            {
                timer.Dispose();
            }

            _timers.Clear();
        }
    }
}
