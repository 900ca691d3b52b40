using AaiProxy.Server.Configuration;
using AaiProxy.Data;
using AaiProxy.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using OpenIddict.Abstractions;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace AaiProxy.Server.Oidc;

/// <summary>
/// Creates or updates the clients declared in configuration, and audits each client it creates or
/// changes (a restart with unchanged configuration changes and records nothing). OpenIddict stores
/// client secrets hashed. Clients removed from configuration are left in the database (tokens may
/// still refer to them).
/// </summary>
internal sealed class ClientSeeder(
    IOpenIddictApplicationManager applications,
    ProxyDbContext db,
    IAuditLog audit,
    IOptions<ProxyOptions> options,
    ListeningOrigins origins)
{
    public async Task SeedAsync(CancellationToken cancellationToken)
    {
        foreach (var client in options.Value.Clients)
        {
            var descriptor = Describe(client);
            var existing = await applications.FindByClientIdAsync(client.ClientId, cancellationToken);
            if (existing is null)
            {
                await InTransactionAsync(async () =>
                {
                    await applications.CreateAsync(descriptor, cancellationToken);
                    await audit.RecordAsync(new AuditEvent(AuditActors.Configuration, AuditActions.ClientCreated, client.ClientId,
                        ClientAuditFields.Created(descriptor)), cancellationToken);
                }, cancellationToken);
                continue;
            }

            var stored = new ProxyApplicationDescriptor();
            await applications.PopulateAsync(stored, existing, cancellationToken);
            var changes = ClientAuditFields.Changed(stored, descriptor, await SecretChangedAsync(existing, stored, descriptor, cancellationToken));
            if (changes.Count == 0)
            {
                continue;
            }

            await InTransactionAsync(async () =>
            {
                await applications.UpdateAsync(existing, descriptor, cancellationToken);
                await audit.RecordAsync(new AuditEvent(AuditActors.Configuration, AuditActions.ClientUpdated, client.ClientId, changes), cancellationToken);
            }, cancellationToken);
        }
    }

    // OpenIddict's store saves on its own; one transaction around it and the audit event keeps
    // "changed but not audited" from ever being stored.
    private async Task InTransactionAsync(Func<Task> change, CancellationToken cancellationToken)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        await change();
        await transaction.CommitAsync(cancellationToken);
    }

    // Only the hash is stored: an unchanged secret is one the stored hash still accepts.
    private async Task<bool> SecretChangedAsync(object existing, OpenIddictApplicationDescriptor stored,
        OpenIddictApplicationDescriptor configured, CancellationToken cancellationToken) =>
        (stored.ClientSecret, configured.ClientSecret) switch
        {
            (null, null) => false,
            (null, _) or (_, null) => true,
            (_, var secret) => !await applications.ValidateClientSecretAsync(existing, secret, cancellationToken),
        };

    private ProxyApplicationDescriptor Describe(ClientOptions client)
    {
        var descriptor = new ProxyApplicationDescriptor
        {
            ClientId = client.ClientId,
            DisplayName = client.DisplayName ?? client.ClientId,
            ClientType = client.Type == ClientType.Public ? ClientTypes.Public : ClientTypes.Confidential,
            ClientSecret = client.Type == ClientType.Public ? null : ReadSecret(client),
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

    private static string? ReadSecret(ClientOptions client) =>
        client.ClientSecretFile is { Length: > 0 } file ? File.ReadAllText(file).TrimEnd() : client.ClientSecret;
}
