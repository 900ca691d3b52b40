using AaiProxy.Server.Tests.Infrastructure;

namespace AaiProxy.Server.Tests.Saml;

/// <summary>The proxy with a demo IdP that signs but does not encrypt its assertions, so tests can read
/// and alter signed values in the XML.</summary>
public sealed class PlainAssertionsProxyFixture : ProxyFixture
{
    protected override IReadOnlyDictionary<string, string> Overrides { get; } =
        new Dictionary<string, string> { ["AaiProxy:Demo:EncryptAssertions"] = "false" };
}
