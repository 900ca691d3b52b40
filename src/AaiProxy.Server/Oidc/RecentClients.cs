using System.Collections.Concurrent;
using AaiProxy.Server.Configuration;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.Extensions.Options;
using OpenIddict.Server;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace AaiProxy.Server.Oidc;

/// <summary>
/// The stored clients that token and introspection requests looked up recently, kept for
/// <see cref="TokenOptions.ClientLookupLifetime"/>: a client calling those endpoints in a loop costs one database
/// query per lifetime instead of one or two per call (the lookup by client id when it authenticates, the lookup by
/// id of the client a token was issued to). What a lookup gets is a fresh, detached copy of the stored row's
/// values — never an instance another request or EF Core's change tracker holds. Only those two endpoints read
/// from here (<see cref="RecentClientsScope"/>): they never change a client, and everything else (the seeder, the
/// client API, consent and logout) reads the database as before. A change made through the application manager on
/// this node (a secret rotated, a redirect URI changed, a client removed) forgets everything at once; another
/// node sees it within the lifetime.
/// </summary>
internal sealed class RecentClients(TimeProvider time, IOptions<ProxyOptions> options)
{
    /// <summary>Past this many remembered lookups everything is forgotten (clients are few).</summary>
    internal const int Capacity = 10_000;

    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);

    private TimeSpan Lifetime => options.Value.Tokens.ClientLookupLifetime;

    /// <summary>A new copy of the client last remembered under <paramref name="key"/> within the lifetime; null if none.</summary>
    public TApplication? Find<TApplication>(string key) where TApplication : class
    {
        if (!_entries.TryGetValue(key, out var entry))
        {
            return null;
        }

        if (time.GetUtcNow() >= entry.Expires || entry.Row.Type != typeof(TApplication))
        {
            _entries.TryRemove(KeyValuePair.Create(key, entry));
            return null;
        }

        return (TApplication)entry.Row.Copy();
    }

    /// <summary>Remember the values of <paramref name="application"/>, an entity of <paramref name="entityType"/>, under <paramref name="key"/>.</summary>
    public void Remember(string key, IEntityType entityType, object application)
    {
        if (Lifetime <= TimeSpan.Zero)
        {
            return;
        }

        if (_entries.Count >= Capacity)
        {
            _entries.Clear();
        }

        _entries[key] = new Entry(StoredRow.Of(entityType, application), time.GetUtcNow() + Lifetime);
    }

    /// <summary>A client was created, changed or removed: nothing remembered may be served any more.</summary>
    public void ForgetAll() => _entries.Clear();

    public static string ByClientId(string clientId) => "client_id:" + clientId;

    public static string ById(string id) => "id:" + id;

    private sealed record Entry(StoredRow Row, DateTimeOffset Expires);

    /// <summary>The scalar values of one stored client (strings, no navigations), enough to make an equal detached entity.</summary>
    private sealed class StoredRow(Type type, IReadOnlyList<(IProperty Property, object? Value)> values)
    {
        public Type Type => type;

        public static StoredRow Of(IEntityType entityType, object entity) =>
            new(entityType.ClrType, [.. entityType.GetProperties()
                .Where(property => property.PropertyInfo is not null)
                .Select(property => (property, property.PropertyInfo!.GetValue(entity)))]);

        public object Copy()
        {
            var copy = Activator.CreateInstance(type)!;
            foreach (var (property, value) in values)
            {
                property.PropertyInfo!.SetValue(copy, value);
            }

            return copy;
        }
    }
}

/// <summary>Whether this request may be served clients from <see cref="RecentClients"/>: set for the token and introspection endpoints only.</summary>
internal sealed class RecentClientsScope
{
    public bool Enabled { get; set; }

    /// <summary>Marks token and introspection requests as soon as OpenIddict knows the endpoint, before the client is looked up.</summary>
    internal sealed class MarkProtocolRequests(RecentClientsScope scope) : IOpenIddictServerHandler<ProcessRequestContext>
    {
        public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
            OpenIddictServerHandlerDescriptor.CreateBuilder<ProcessRequestContext>()
                .UseScopedHandler<MarkProtocolRequests>()
                .SetOrder(OpenIddictServerHandlers.InferEndpointType.Descriptor.Order + 500)
                .SetType(OpenIddictServerHandlerType.Custom)
                .Build();

        public ValueTask HandleAsync(ProcessRequestContext context)
        {
            scope.Enabled = context.EndpointType is OpenIddictServerEndpointType.Token or OpenIddictServerEndpointType.Introspection;
            return default;
        }
    }
}
