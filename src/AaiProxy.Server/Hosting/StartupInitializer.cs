using AaiProxy.Server.Configuration;
using AaiProxy.Server.Storage;
using Microsoft.Extensions.Options;

namespace AaiProxy.Server.Hosting;

/// <summary>At start: migrate, then bring declared clients (and, in the demo, the demo proposals) up to date.</summary>
internal sealed class StartupInitializer(DatabaseInitializer database, IServiceScopeFactory scopes, IOptions<ProxyOptions> options, ILogger<StartupInitializer> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (options.Value.Demo.Enabled)
        {
            Log.DemoEnabled(logger);
        }

        database.EnsureMigrated();
        await using var scope = scopes.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<AaiProxy.Data.ServerKeyStore>().ProtectPlaintextKeys(AaiProxy.Identity.AuditActors.Configuration);
        await scope.ServiceProvider.GetRequiredService<Oidc.ClientSeeder>().SeedAsync(cancellationToken);
        await scope.ServiceProvider.GetRequiredService<Oidc.ClientCatalog>().RefreshAsync(cancellationToken);
        await scope.ServiceProvider.GetRequiredService<Groups.Api.ApiScopeSeeder>().SeedAsync(cancellationToken);
        if (options.Value.Demo.Enabled)
        {
            await scope.ServiceProvider.GetRequiredService<Demo.DemoProposalSeeder>().SeedAsync(signedIn: null, cancellationToken);
        }

        // Building the OpenIddict options loads the signing and encryption keys, generating them on
        // first start: a broken key store fails the start, not the first sign-in.
        _ = scope.ServiceProvider.GetRequiredService<IOptionsMonitor<OpenIddict.Server.OpenIddictServerOptions>>().CurrentValue;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
