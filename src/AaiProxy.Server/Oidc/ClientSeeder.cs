using AaiProxy.Server.Configuration;
using AaiProxy.Data;
using AaiProxy.Identity;
using Microsoft.Extensions.Options;
using OpenIddict.Abstractions;

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
    ClientDescriber describer)
{
    public async Task SeedAsync(CancellationToken cancellationToken)
    {
        foreach (var client in options.Value.Clients)
        {
            var descriptor = describer.Describe(client, client.ReadSecret());
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

    private Task InTransactionAsync(Func<Task> change, CancellationToken cancellationToken) =>
        ClientDescriber.InTransactionAsync(db, change, cancellationToken);

    // Only the hash is stored: an unchanged secret is one the stored hash still accepts.
    private async Task<bool> SecretChangedAsync(object existing, OpenIddictApplicationDescriptor stored,
        OpenIddictApplicationDescriptor configured, CancellationToken cancellationToken) =>
        (stored.ClientSecret, configured.ClientSecret) switch
        {
            (null, null) => false,
            (null, _) or (_, null) => true,
            (_, var secret) => !await applications.ValidateClientSecretAsync(existing, secret, cancellationToken),
        };
}
