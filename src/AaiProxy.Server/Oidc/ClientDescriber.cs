using System.Text.Json;
using System.Text.Json.Serialization;
using AaiProxy.Data;
using AaiProxy.Server.Configuration;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using OpenIddict.Abstractions;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace AaiProxy.Server.Oidc;

/// <summary>
/// A client as OpenIddict stores it, from the proxy's <see cref="ClientOptions"/>: the one mapping used for clients declared
/// in configuration (<see cref="ClientSeeder"/>) and for clients managed at run time
/// (<c>AaiProxy.Server.Clients.ClientAdministration</c>). A managed client also keeps its settings (everything but the
/// secret) and its facility in the application's properties (<see cref="SettingsProperty"/>, <see cref="FacilityProperty"/>):
/// the proxy's own per-client settings (groups, resources, logout URIs, contacts, token format) have no OpenIddict field.
/// </summary>
internal sealed class ClientDescriber(IOptions<ProxyOptions> options, ListeningOrigins origins)
{
    /// <summary>Application property of a managed client: its <see cref="ClientOptions"/> as JSON, without secret.</summary>
    public const string SettingsProperty = "aaiproxy_client";

    /// <summary>Application property of a managed client: the code of the facility whose admins manage it ("" for none).</summary>
    public const string FacilityProperty = "aaiproxy_facility";

    private static readonly JsonSerializerOptions Json = new() { Converters = { new JsonStringEnumConverter() } };

    /// <summary>The OpenIddict application of <paramref name="client"/>; <paramref name="secret"/> is its plain secret (hashed by
    /// OpenIddict when stored) or, for a change that keeps the secret, the stored hash itself.</summary>
    public ProxyApplicationDescriptor Describe(ClientOptions client, string? secret)
    {
        var descriptor = new ProxyApplicationDescriptor
        {
            ClientId = client.ClientId,
            DisplayName = client.DisplayName ?? client.ClientId,
            ClientType = client.Type == ClientType.Public ? ClientTypes.Public : ClientTypes.Confidential,
            ClientSecret = client.Type == ClientType.Public ? null : secret,
            // The authorization endpoint asks for consent by this (ConsentStep), not by the configuration.
            ConsentType = client.FacilityInternal ? ConsentTypes.Implicit : ConsentTypes.Explicit,
            // A native client's loopback redirect URIs match on any port (RedirectUriMatch).
            ApplicationType = client.Native ? ApplicationTypes.Native : ApplicationTypes.Web,
        };

        foreach (var uri in client.RedirectUris.SelectMany(uri => origins.Expand(uri, options.Value)))
        {
            descriptor.RedirectUris.Add(new Uri(uri));
            descriptor.ExactRedirectUris.Add(uri);
        }

        foreach (var uri in client.PostLogoutRedirectUris.SelectMany(uri => origins.Expand(uri, options.Value)))
        {
            descriptor.PostLogoutRedirectUris.Add(new Uri(uri));
        }

        var grants = client.AllowedGrants;
        descriptor.Permissions.UnionWith(
        [
            Permissions.Endpoints.Token,
            Permissions.Endpoints.Revocation,
            Permissions.Endpoints.Introspection,
        ]);

        if (grants.Contains(GrantTypes.AuthorizationCode))
        {
            descriptor.Permissions.UnionWith(
            [
                Permissions.Endpoints.Authorization,
                Permissions.Endpoints.PushedAuthorization,
                Permissions.Endpoints.EndSession,
                Permissions.ResponseTypes.Code,
            ]);
        }

        if (grants.Contains(GrantTypes.DeviceCode))
        {
            descriptor.Permissions.Add(Permissions.Endpoints.DeviceAuthorization);
        }

        descriptor.Permissions.UnionWith(grants.Select(grant => Permissions.Prefixes.GrantType + grant));
        descriptor.Permissions.UnionWith(client.AllowedScopes
            .Where(scope => scope is not (Scopes.OpenId or Scopes.OfflineAccess))
            .Select(scope => Permissions.Prefixes.Scope + scope));

        descriptor.AddResourcePermissions([.. client.Resources]);

        // RFC 8693: the grant and its targets, named as audience or resource (TokenExchangeTargets decides which client may
        // use which; it runs before OpenIddict's own permission checks and answers invalid_target).
        if (client.TokenExchangeAudiences.Count > 0)
        {
            descriptor.Permissions.Add(Permissions.GrantTypes.TokenExchange);
            descriptor.AddAudiencePermissions([.. client.TokenExchangeAudiences]);
            descriptor.AddResourcePermissions([.. client.TokenExchangeAudiences.Except(client.Resources, StringComparer.Ordinal)]);
        }

        if (client.RequirePkce || client.Type == ClientType.Public)
        {
            descriptor.Requirements.Add(Requirements.Features.ProofKeyForCodeExchange);
        }

        return descriptor;
    }

    /// <summary>A managed client: <see cref="Describe"/> with its settings and facility as application properties.</summary>
    public ProxyApplicationDescriptor DescribeManaged(ManagedClient client, string? secret)
    {
        var descriptor = Describe(client.Settings, secret);
        descriptor.Properties[SettingsProperty] = JsonSerializer.SerializeToElement(WithoutSecret(client.Settings), Json);
        descriptor.Properties[FacilityProperty] = JsonSerializer.SerializeToElement(client.Facility ?? "");
        return descriptor;
    }

    /// <summary>The managed client an application's properties describe; null for a client declared in configuration.</summary>
    public static ManagedClient? ReadManaged(IReadOnlyDictionary<string, JsonElement> properties)
    {
        if (!properties.TryGetValue(SettingsProperty, out var settings) || settings.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        var facility = properties.TryGetValue(FacilityProperty, out var code) && code.ValueKind == JsonValueKind.String ? code.GetString() : null;
        return new ManagedClient(settings.Deserialize<ClientOptions>(Json)!, string.IsNullOrEmpty(facility) ? null : facility);
    }

    /// <summary>A deep copy of <paramref name="client"/> (a change is made to a copy, never to what others read).</summary>
    public static ClientOptions Copy(ClientOptions client) =>
        JsonSerializer.Deserialize<ClientOptions>(JsonSerializer.SerializeToUtf8Bytes(client, Json), Json)!;

    private static ClientOptions WithoutSecret(ClientOptions client)
    {
        var copy = Copy(client);
        copy.ClientSecret = null;
        copy.ClientSecretFile = null;
        return copy;
    }

    /// <summary>
    /// OpenIddict's store saves on its own; one transaction around it and the audit event keeps "changed but not audited"
    /// from ever being stored.
    /// </summary>
    public static async Task InTransactionAsync(ProxyDbContext db, Func<Task> change, CancellationToken cancellationToken)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        await change();
        await transaction.CommitAsync(cancellationToken);
    }
}

/// <summary>A client managed at run time: its settings (no secret) and the facility whose admins manage it (null: platform admins only).</summary>
public sealed record ManagedClient(ClientOptions Settings, string? Facility);
