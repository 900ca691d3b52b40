namespace AaiProxy.Server.Tests.Infrastructure;

/// <summary>
/// The proxy with two more confidential clients (after demo.json's two and the test web app): the demo
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
        ["AaiProxy:Clients:3:ClientId"] = CatalogueResource,
        ["AaiProxy:Clients:3:ClientSecret"] = CatalogueSecret,
        ["AaiProxy:Clients:3:AllowedGrants:0"] = "client_credentials",
        ["AaiProxy:Clients:4:ClientId"] = ResourcelessClientId,
        ["AaiProxy:Clients:4:ClientSecret"] = ResourcelessSecret,
        ["AaiProxy:Clients:4:AllowedGrants:0"] = "client_credentials",
    };
}
