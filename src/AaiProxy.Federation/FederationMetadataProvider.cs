using AaiProxy.Federation.Discovery;
using AaiProxy.Federation.Model;
using AaiProxy.Federation.Reading;
using AaiProxy.Federation.Sources;
using AaiProxy.Saml.Metadata;
using Microsoft.Extensions.Logging;

namespace AaiProxy.Federation;

/// <summary>
/// The identity providers of all configured metadata sources, behind the SAML service provider's
/// <see cref="IIdentityProviderMetadataProvider"/>. Each refresh builds a new <see cref="FederationIndex"/>
/// beside the one in use and swaps it in with one reference write, so lookups never see an empty or
/// half-built set. A refused refresh keeps the source's last good set (until that set's own
/// validUntil passes) and records why. Refreshes run on timers from the injected <see cref="TimeProvider"/>.
/// </summary>
public sealed class FederationMetadataProvider : IIdentityProviderMetadataProvider, IDisposable
{
    private readonly IReadOnlyList<IMetadataSource> _sources;
    private readonly SourceState[] _states;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _refreshLock = new(1, 1);
    private readonly List<ITimer> _timers = [];
    private FederationIndex _index = FederationIndex.Empty;

    /// <param name="sources">In priority order: an entity ID found in two sources is taken from the first.</param>
    public FederationMetadataProvider(IEnumerable<IMetadataSource> sources, TimeProvider time, ILogger<FederationMetadataProvider> logger)
    {
        ArgumentNullException.ThrowIfNull(sources);
        _sources = sources.ToList();
        var duplicate = _sources.GroupBy(s => s.Name, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw new ArgumentException($"Two metadata sources are named '{duplicate.Key}'; names must be unique.", nameof(sources));
        }

        _states = _sources.Select(s => new SourceState(s.Name)).ToArray();
        _time = time;
        _logger = logger;
    }

    /// <summary>The set in use.</summary>
    public FederationIndex Index => Volatile.Read(ref _index);

    public IReadOnlyList<MetadataSourceStatus> Status
    {
        get
        {
            lock (_states)
            {
                return _states.Select(s => s.Status).ToList();
            }
        }
    }

    /// <summary>Raised after every refresh of a source, successful or not (tests and metrics wait on it).</summary>
    public event Action<MetadataSourceStatus>? Refreshed;

    public ValueTask<IdentityProviderMetadata?> FindAsync(string entityId, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(Index.FindMetadata(entityId));

    public ValueTask<IReadOnlyList<IdentityProviderMetadata>> ListAsync(CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(Index.IdentityProviders);

    /// <summary>Reads every source once, in order.</summary>
    public async Task RefreshAsync(CancellationToken cancellationToken = default)
    {
        for (var i = 0; i < _sources.Count; i++)
        {
            await RefreshSourceAsync(i, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Starts one timer per source: each fires after the source's interval, shortened by the
    /// cacheDuration of its last good document.</summary>
    public void StartRefreshing()
    {
        lock (_timers)
        {
            if (_timers.Count > 0)
            {
                throw new InvalidOperationException("Refreshing has already started.");
            }

            for (var i = 0; i < _sources.Count; i++)
            {
                var source = i;
                var interval = NextRefreshDelay(source);
                _timers.Add(_time.CreateTimer(_ => _ = RefreshOnTimerAsync(source), null, interval, Timeout.InfiniteTimeSpan));
            }
        }
    }

    // A timer's refresh must never end the refresh cycle: whatever happens, the timer is re-armed.
    private async Task RefreshOnTimerAsync(int source)
    {
        try
        {
            await RefreshSourceAsync(source, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not ObjectDisposedException)
        {
            FederationLog.RefreshFailed(_logger, _sources[source].Name, ex);
        }
        finally
        {
            lock (_timers)
            {
                if (source < _timers.Count)
                {
                    _timers[source].Change(NextRefreshDelay(source), Timeout.InfiniteTimeSpan);
                }
            }
        }
    }

    private TimeSpan NextRefreshDelay(int source)
    {
        var interval = _sources[source].RefreshInterval;
        lock (_states)
        {
            return _states[source].CacheDuration is { } cache && cache > TimeSpan.Zero && cache < interval ? cache : interval;
        }
    }

    private async Task RefreshSourceAsync(int index, CancellationToken cancellationToken)
    {
        var source = _sources[index];
        MetadataSourceStatus outcome;
        await _refreshLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var now = _time.GetUtcNow();
            try
            {
                var document = await source.LoadAsync(now, cancellationToken).ConfigureAwait(false);
                var used = document.IdentityProviders.Where(source.Filter.Accepts).ToList();
                lock (_states)
                {
                    _states[index].Succeeded(now, document, used);
                }

                foreach (var skipped in document.Skipped)
                {
                    FederationLog.EntitySkipped(_logger, source.Name, skipped);
                }

                FederationLog.SourceLoaded(_logger, source.Name, used.Count, document.IdentityProviders.Count - used.Count,
                    document.Skipped.Count, document.OtherEntities, document.ValidUntil);
            }
            catch (MetadataRejectedException ex)
            {
                lock (_states)
                {
                    _states[index].Failed(now, ex);
                }

                var status = _states[index].Status;
                FederationLog.RefreshRejected(_logger, source.Name, ex, status.LastSuccess, status.IdentityProviders);
                DropIfExpired(index, now);
            }

            Volatile.Write(ref _index, new FederationIndex(_states.SelectMany(s => s.IdentityProviders)));
            outcome = _states[index].Status;
        }
        finally
        {
            _refreshLock.Release();
        }

        Refreshed?.Invoke(outcome);
    }

    // Metadata 2.3.1: past its validUntil the kept set must not be used either.
    private void DropIfExpired(int index, DateTimeOffset now)
    {
        lock (_states)
        {
            var state = _states[index];
            if (state.ValidUntil is { } validUntil && validUntil <= now && state.IdentityProviders.Count > 0)
            {
                state.DropExpired();
                FederationLog.LastGoodExpired(_logger, state.Name, validUntil);
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

        _refreshLock.Dispose();
    }

    /// <summary>One source's last good set and the outcome of its latest read (guarded by the states lock).</summary>
    private sealed class SourceState(string name)
    {
        private DateTimeOffset? _lastSuccess;
        private DateTimeOffset? _lastFailure;
        private MetadataRejectedException? _lastRejection;
        private IReadOnlyList<SkippedEntity> _skipped = [];

        public string Name { get; } = name;
        public IReadOnlyList<FederationEntity> IdentityProviders { get; private set; } = [];
        public DateTimeOffset? ValidUntil { get; private set; }
        public TimeSpan? CacheDuration { get; private set; }

        public MetadataSourceStatus Status => new(Name, _lastSuccess, _lastFailure, _lastRejection?.Reason, _lastRejection?.Message,
            IdentityProviders.Count, _skipped, ValidUntil);

        public void Succeeded(DateTimeOffset now, MetadataDocument document, IReadOnlyList<FederationEntity> used)
        {
            IdentityProviders = used;
            ValidUntil = document.ValidUntil;
            CacheDuration = document.CacheDuration;
            _skipped = document.Skipped;
            _lastSuccess = now;
            _lastFailure = null;
            _lastRejection = null;
        }

        public void Failed(DateTimeOffset now, MetadataRejectedException rejection)
        {
            _lastFailure = now;
            _lastRejection = rejection;
        }

        public void DropExpired() => IdentityProviders = [];
    }
}
