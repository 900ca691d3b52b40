using AaiProxy.Server.Tests.Infrastructure;

namespace AaiProxy.Server.Tests.Saml;

/// <summary>The proxy with a demo IdP that signs but does not encrypt its assertions, so tests can read
/// and alter signed values in the XML. One proxy for the whole collection: each start costs key generation.</summary>
public sealed class PlainAssertionsProxyFixture : ProxyFixture
{
    public const string Collection = "SAML, plain assertions";

    protected override IReadOnlyDictionary<string, string> Overrides { get; } =
        new Dictionary<string, string> { ["AaiProxy:Demo:EncryptAssertions"] = "false" };
}

[CollectionDefinition(PlainAssertionsProxyFixture.Collection)]
public sealed class PlainAssertionsProxyCollection : ICollectionFixture<PlainAssertionsProxyFixture>;
