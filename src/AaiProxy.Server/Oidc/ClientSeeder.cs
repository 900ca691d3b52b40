using AaiProxy.Server.Hosting;
using Microsoft.Extensions.Options;
using OpenIddict.Abstractions;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace AaiProxy.Server.Oidc;

/// <summary>
/// Creates or updates the clients declared in configuration. OpenIddict stores client secrets hashed.
/// Clients removed from configuration are left in the database (tokens may still refer to them).
/// </summary>
internal sealed class ClientSeeder(
    IOpenIddictApplicationManager applications,
    IOptions<ProxyOptions> options,
    ListeningOrigins origins,
    ILogger<ClientSeeder> logger)
{
    public async Task SeedAsync(CancellationToken cancellationToken)
    {
        foreach (var client in options.Value.Clients)
        {
            var descriptor = Describe(client);
            var existing = await applications.FindByClientIdAsync(client.ClientId, cancellationToken);
            if (existing is null)
            {
                await applications.CreateAsync(descriptor, cancellationToken);
                Log.ClientSeeded(logger, client.ClientId, "created");
            }
            else
            {
                await applications.UpdateAsync(existing, descriptor, cancellationToken);
                Log.ClientSeeded(logger, client.ClientId, "updated");
            }
        }
    }

    private OpenIddictApplicationDescriptor Describe(ClientOptions client)
    {
        var descriptor = new OpenIddictApplicationDescriptor
        {
            ClientId = client.ClientId,
            DisplayName = client.DisplayName ?? client.ClientId,
            ClientType = client.Type == ClientType.Public ? ClientTypes.Public : ClientTypes.Confidential,
            ClientSecret = client.Type == ClientType.Public ? null : ReadSecret(client),
            ConsentType = ConsentTypes.Implicit,
        };

        foreach (var uri in client.RedirectUris.SelectMany(origins.Expand))
        {
            descriptor.RedirectUris.Add(new Uri(uri));
        }

        foreach (var uri in client.PostLogoutRedirectUris.SelectMany(origins.Expand))
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

        descriptor.Permissions.UnionWith(grants.Select(grant => Permissions.Prefixes.GrantType + grant));
        descriptor.Permissions.UnionWith(client.AllowedScopes
            .Where(scope => scope is not (Scopes.OpenId or Scopes.OfflineAccess))
            .Select(scope => Permissions.Prefixes.Scope + scope));

        if (client.RequirePkce || client.Type == ClientType.Public)
        {
            descriptor.Requirements.Add(Requirements.Features.ProofKeyForCodeExchange);
        }

        return descriptor;
    }

    private static string? ReadSecret(ClientOptions client) =>
        client.ClientSecretFile is { Length: > 0 } file ? File.ReadAllText(file).TrimEnd() : client.ClientSecret;
}
