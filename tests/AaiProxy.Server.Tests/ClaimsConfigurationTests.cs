using AaiProxy.Server.Tests.Infrastructure;
using AaiProxy.Tests.Shared;
using Microsoft.Extensions.Options;

namespace AaiProxy.Server.Tests;

/// <summary>Resources and upstream claim policy are validated at start, with messages that say what to set.</summary>
public sealed class ClaimsConfigurationTests(ProxyFixture fixture) : IClassFixture<ProxyFixture>
{
    [Fact]
    public async Task Startup_refuses_a_client_resource_that_is_not_an_absolute_uri_and_a_default_outside_the_resources()
    {
        var failure = await StartupFailureAsync(new()
        {
            [ConfiguredClients.Key(0, "Resources:0")] = "data-catalogue",
            [ConfiguredClients.Key(0, "DefaultResource")] = "https://elsewhere.example.org/",
        });

        Assert.Contains("resource 'data-catalogue' is not an absolute URI", failure.Message);
        Assert.Contains("DefaultResource 'https://elsewhere.example.org/' is not one of its Resources", failure.Message);
    }

    [Fact]
    public async Task Startup_refuses_an_upstream_entitlement_allow_list_without_issuer()
    {
        var failure = await StartupFailureAsync(new() { ["AaiProxy:Claims:UpstreamEntitlements:1:AllowedPrefixes:0"] = "urn:mace:example.org:" });

        Assert.Contains("AaiProxy:Claims:UpstreamEntitlements:1:Issuer is required", failure.Message);
    }

    private async Task<OptionsValidationException> StartupFailureAsync(Dictionary<string, string> overrides)
    {
        await using var factory = new ProxyFactory(fixture.Database, overrides: overrides);
        var failure = Assert.ThrowsAny<Exception>(() => factory.Server);
        return Assert.IsType<OptionsValidationException>(failure is AggregateException aggregate ? aggregate.InnerException : failure);
    }
}
