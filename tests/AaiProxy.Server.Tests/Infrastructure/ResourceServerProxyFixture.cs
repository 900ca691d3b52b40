using AaiProxy.Tests.Shared;
namespace AaiProxy.Server.Tests.Infrastructure;

/// <summary>
/// The proxy with two more confidential clients (test clients 1 and 2, after the test web app): the demo
/// data catalogue as a resource server (its client id is its resource indicator, so it may introspect
/// tokens issued for it), and a machine client without resources.
/// </summary>
public sealed class ResourceServerProxyFixture : ProxyFixture
{
    public const string CatalogueResource = "https://data-catalogue.demo.aaiproxy.example.org/";
    public const string PortalResource = "https://portal.demo.aaiproxy.example.org/";
    public const string CatalogueSecret = "catalogue-secret";
    public const string ResourcelessClientId = "resourceless-service";
    public const string ResourcelessSecret = "resourceless-secret";

    protected override IReadOnlyDictionary<string, string> Overrides { get; } = new Dictionary<string, string>
    {
        [ConfiguredClients.Key(1, "ClientId")] = CatalogueResource,
        [ConfiguredClients.Key(1, "ClientSecret")] = CatalogueSecret,
        [ConfiguredClients.Key(1, "AllowedGrants:0")] = "client_credentials",
        [ConfiguredClients.Key(2, "ClientId")] = ResourcelessClientId,
        [ConfiguredClients.Key(2, "ClientSecret")] = ResourcelessSecret,
        [ConfiguredClients.Key(2, "AllowedGrants:0")] = "client_credentials",
    };
}
