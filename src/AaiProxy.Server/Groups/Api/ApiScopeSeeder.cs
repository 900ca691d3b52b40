using AaiProxy.Groups.Management;
using AaiProxy.Server.Configuration;
using Microsoft.Extensions.Options;
using OpenIddict.Abstractions;

namespace AaiProxy.Server.Groups.Api;

/// <summary>
/// Keeps the API scopes in OpenIddict's scope store, each naming the API resource, so that the token
/// endpoint accepts them from the clients allowed them (<c>Clients[].AllowedScopes</c>) while discovery
/// keeps listing the claim table's scopes only.
/// </summary>
internal sealed class ApiScopeSeeder(IOpenIddictScopeManager scopes, IOptions<ProxyOptions> options)
{
    public async Task SeedAsync(CancellationToken cancellationToken)
    {
        foreach (var name in ApiScopes.All)
        {
            var descriptor = new OpenIddictScopeDescriptor { Name = name, Description = ApiScopes.Describe(name) };
            descriptor.Resources.Add(options.Value.Api.Resource);
            if (await scopes.FindByNameAsync(name, cancellationToken) is { } existing)
                await scopes.UpdateAsync(existing, descriptor, cancellationToken);
            else
                await scopes.CreateAsync(descriptor, cancellationToken);
        }
    }
}
