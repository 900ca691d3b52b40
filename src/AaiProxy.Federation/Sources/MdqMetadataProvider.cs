using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using AaiProxy.Federation.Model;
using AaiProxy.Federation.Reading;
using AaiProxy.Federation.Trust;
using AaiProxy.Saml.Metadata;
using Microsoft.Extensions.Logging;

namespace AaiProxy.Federation.Sources;

/// <summary>
/// Identity providers looked up one at a time from an MDQ service: <c>GET {base}/entities/{id}</c>
/// with <c>Accept: application/samlmetadata+xml</c>. Each answer is verified against the trust
/// anchor and must describe exactly the entity asked for; answers are cached per entity until their
/// cacheDuration (bounded, and never past validUntil), revalidated with the ETag, and "unknown" (404)
/// is cached too. When the service fails, an answer still within its validUntil keeps being served.
/// MDQ cannot list a federation: <see cref="ListAsync"/> returns the IdPs seen so far.
/// </summary>
public sealed class MdqMetadataProvider : IIdentityProviderMetadataProvider
{
    private readonly HttpClient _http;
    private readonly MdqOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<string, CachedAnswer> _cache = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Task<CachedAnswer>> _inFlight = new(StringComparer.Ordinal);
    private const int MaxEntityIdLength = 1024;
    private readonly Lock _statusLock = new();
    private int _version;
    private DateTimeOffset? _lastAnswer;
    private DateTimeOffset? _lastFailure;
    private string? _lastError;
    private bool _failing;

    public MdqMetadataProvider(HttpClient http, MdqOptions options, TimeProvider time, ILogger<MdqMetadataProvider> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _http = http;
        _options = options;
        _time = time;
        _logger = logger;
    }

    public async ValueTask<IdentityProviderMetadata?> FindAsync(string entityId, CancellationToken cancellationToken = default) =>
        (await FindEntityAsync(entityId, cancellationToken).ConfigureAwait(false))?.ToIdentityProviderMetadata();

    public ValueTask<IReadOnlyList<IdentityProviderMetadata>> ListAsync(CancellationToken cancellationToken = default) =>
        ValueTask.FromResult<IReadOnlyList<IdentityProviderMetadata>>([.. CachedEntities().Select(entity => entity.ToIdentityProviderMetadata())]);

    /// <summary>The IdPs answered for so far and still within their validUntil.</summary>
    public IEnumerable<FederationEntity> CachedEntities()
    {
        var now = _time.GetUtcNow();
        return _cache.Values.Where(a => a.Entity is not null && a.ValidUntil > now).Select(a => a.Entity!);
    }

    /// <summary>Changes whenever an identity provider joins, leaves or changes in the cache (lists built from
    /// <see cref="ListAsync"/> can be kept until it changes).</summary>
    public int Version => Volatile.Read(ref _version);

    /// <summary>The IdP as cached, without asking the service: its answer may be due for revalidation but is
    /// still within its validUntil. Null when not cached, unknown or expired.</summary>
    public FederationEntity? FindCached(string entityId) =>
        _cache.TryGetValue(entityId, out var cached) && cached.Entity is not null && cached.ValidUntil > _time.GetUtcNow() ? cached.Entity : null;

    /// <summary>What the cache holds and how the service answered lately, for readiness and operators.</summary>
    public MdqStatus Status
    {
        get
        {
            var now = _time.GetUtcNow();
            var answers = _cache.Values.ToList();
            lock (_statusLock)
            {
                return new MdqStatus(answers.Count(a => a.Entity is not null && a.ValidUntil > now),
                    answers.Count(a => a.Entity is null && a.FreshUntil > now), _lastAnswer, _lastFailure, _lastError, _failing);
            }
        }
    }

    /// <summary>The IdP, from the cache while fresh, else from the service; null when unknown or unusable. An entity ID
    /// that is not an absolute URI of at most 1024 characters (SAML Core 8.3.6) is never asked for.</summary>
    public async Task<FederationEntity?> FindEntityAsync(string entityId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(entityId);
        if (entityId.Length > MaxEntityIdLength || !Uri.TryCreate(entityId, UriKind.Absolute, out _))
        {
            return null;
        }

        var now = _time.GetUtcNow();
        _cache.TryGetValue(entityId, out var cached);
        if (cached is not null && now < cached.FreshUntil)
        {
            return cached.Entity;
        }

        // One query per entity at a time: concurrent logins at an IdP whose answer just expired share it.
        var mine = new TaskCompletionSource<CachedAnswer>(TaskCreationOptions.RunContinuationsAsynchronously);
        var query = _inFlight.GetOrAdd(entityId, mine.Task);
        if (ReferenceEquals(query, mine.Task))
        {
            _ = QueryAndCacheAsync(entityId, cached, mine);
        }

        return (await query.WaitAsync(cancellationToken).ConfigureAwait(false)).Entity;
    }

    // Not cancelled by the caller that started it: others may be waiting for the same answer.
    private async Task QueryAndCacheAsync(string entityId, CachedAnswer? cached, TaskCompletionSource<CachedAnswer> completion)
    {
        // Out of the in-flight table before completing, so no later caller can pick up a finished (and maybe old) query.
        var inFlight = new KeyValuePair<string, Task<CachedAnswer>>(entityId, completion.Task);
        try
        {
            var answer = await QueryAsync(entityId, cached, CancellationToken.None).ConfigureAwait(false);
            if (answer.Entity is not null || cached is not null || HasRoomForUnknown())
            {
                _cache[entityId] = answer;
            }

            if (!ReferenceEquals(cached?.Entity, answer.Entity))
            {
                Interlocked.Increment(ref _version);
            }

            _inFlight.TryRemove(inFlight);
            completion.SetResult(answer);
        }
        catch (Exception ex)
        {
            _inFlight.TryRemove(inFlight);
            completion.SetException(ex);
        }
    }

    // Unknown entity IDs are whatever requests name: when the cache is full, expired unknown ones make room, and a new
    // unknown one is remembered only if that was enough.
    private bool HasRoomForUnknown()
    {
        if (_cache.Count < _options.MaxEntries)
        {
            return true;
        }

        var now = _time.GetUtcNow();
        foreach (var (entityId, answer) in _cache)
        {
            if (answer.Entity is null && answer.FreshUntil <= now)
            {
                _cache.TryRemove(new KeyValuePair<string, CachedAnswer>(entityId, answer));
            }
        }

        return _cache.Count < _options.MaxEntries;
    }

    /// <summary>The request path for an entity ID (MDQ 2.1: URL-encoded, or the {sha1} transform).</summary>
    public Uri RequestUri(string entityId)
    {
        var identifier = _options.UseSha1Identifiers
            ? "{sha1}" + Convert.ToHexStringLower(SHA1.HashData(Encoding.UTF8.GetBytes(entityId)))
            : entityId;
        var baseUrl = _options.BaseUrl.AbsoluteUri.TrimEnd('/');
        return new Uri($"{baseUrl}/entities/{Uri.EscapeDataString(identifier)}");
    }

    private async Task<CachedAnswer> QueryAsync(string entityId, CachedAnswer? cached, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, RequestUri(entityId));
        MetadataHttp.AcceptMetadata(request);
        if (cached is { Entity: not null, ETag: { } etag } && cached.ValidUntil > _time.GetUtcNow())
        {
            request.Headers.IfNoneMatch.Add(etag);
        }

        try
        {
            using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
            var now = _time.GetUtcNow();
            var answer = response.StatusCode switch
            {
                HttpStatusCode.NotModified when cached?.Entity is not null && cached.ValidUntil > now =>
                    cached with { FreshUntil = FreshUntil(now, cached.CacheDuration, cached.ValidUntil) },
                HttpStatusCode.NotFound => new CachedAnswer(null, now + _options.NegativeCacheDuration, DateTimeOffset.MaxValue, null, null),
                HttpStatusCode.OK => Accept(entityId,
                    await MetadataHttp.ReadBoundedAsync(response, _options.ReadOptions, cancellationToken).ConfigureAwait(false), response.Headers.ETag, now),
                _ => throw new MetadataRejectedException(MetadataRejection.Unavailable, $"The MDQ service answered {(int)response.StatusCode}."),
            };
            lock (_statusLock)
            {
                _lastAnswer = now;
                _failing = false;
            }

            return answer;
        }
        catch (Exception ex) when (ex is MetadataRejectedException or HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            var rejection = ex as MetadataRejectedException ?? new MetadataRejectedException(MetadataRejection.Unavailable, ex.Message, ex);
            var now = _time.GetUtcNow();
            var keep = cached?.Entity is not null && cached.ValidUntil > now;
            lock (_statusLock)
            {
                _lastFailure = now;
                _lastError = rejection.Message;
                _failing = true;
            }

            FederationLog.MdqQueryFailed(_logger, _options.Name, entityId, rejection, keep);
            // Keep a still-valid answer; otherwise remember the failure briefly so a broken service is not hammered.
            return keep
                ? cached! with { FreshUntil = now + _options.NegativeCacheDuration }
                : new CachedAnswer(null, now + _options.NegativeCacheDuration, DateTimeOffset.MaxValue, null, null);
        }
    }

    private CachedAnswer Accept(string entityId, byte[] bytes, EntityTagHeaderValue? etag, DateTimeOffset now)
    {
        var document = SignedMetadataLoader.Load(bytes, _options.Anchor, _options.ReadOptions, now);
        var entity = document.IdentityProviders.Count == 1 ? document.IdentityProviders[0] : null;
        if (entity is null || entity.EntityId != entityId)
        {
            var reason = document.Skipped.Count > 0 ? document.Skipped[0].Reason : "it does not describe exactly that identity provider";
            throw new MetadataRejectedException(MetadataRejection.NotMetadata, $"The MDQ answer for '{entityId}' cannot be used: {reason}");
        }

        var validUntil = document.ValidUntil ?? DateTimeOffset.MaxValue;
        var cacheDuration = document.CacheDuration ?? _options.DefaultCacheDuration;
        return new CachedAnswer(_options.Filter.Accepts(entity) ? entity : null, FreshUntil(now, cacheDuration, validUntil), validUntil, etag, cacheDuration);
    }

    private DateTimeOffset FreshUntil(DateTimeOffset now, TimeSpan? cacheDuration, DateTimeOffset validUntil)
    {
        var duration = cacheDuration is { } d && d > TimeSpan.Zero ? d : _options.DefaultCacheDuration;
        var until = now + (duration < _options.MaxCacheDuration ? duration : _options.MaxCacheDuration);
        return until < validUntil ? until : validUntil;
    }

    /// <summary>One entity's answer: the IdP (null for unknown or unusable), when to ask again, and how to revalidate.</summary>
    private sealed record CachedAnswer(
        FederationEntity? Entity, DateTimeOffset FreshUntil, DateTimeOffset ValidUntil, EntityTagHeaderValue? ETag, TimeSpan? CacheDuration);
}
