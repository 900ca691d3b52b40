using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using AaiProxy.Federation.Generation;
using AaiProxy.Server.Tests.Infrastructure;
using AaiProxy.Server.Upstream.Discovery;

namespace AaiProxy.Server.Tests.Upstream;

/// <summary>
/// The discovery logo cache fetches logos named by metadata from public addresses only: the address is checked
/// after resolution, when the connection is made, so a name resolving to the proxy's own host is refused too.
/// </summary>
public sealed class LogoAddressTests(ProxyFixture fixture) : IClassFixture<ProxyFixture>
{
    [Fact]
    public async Task A_logo_whose_host_resolves_to_loopback_is_never_fetched_and_the_log_says_why()
    {
        // Something listens where the logo points, to see whether the proxy connects.
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        try
        {
            var port = ((IPEndPoint)listener.LocalEndpoint).Port;
            var logoUrl = $"https://localhost:{port}/logo.png";
            using var federation = new GeneratedFederationFiles(entities: 3, edit: text => text.Replace(AggregateGenerator.LogoUrl(0), logoUrl));
            await using var factory = new ProxyFactory(fixture.Database, overrides: federation.Settings());
            var client = factory.CreateClient();

            var hit = JsonDocument.Parse(await client.GetStringAsync("/discovery/search?q=helsinki")).RootElement[0];
            using var logo = await client.GetAsync(hit.GetProperty("logo").GetString());

            Assert.Equal(AggregateGenerator.EntityId(0), hit.GetProperty("entityId").GetString());
            Assert.Equal(HttpStatusCode.NotFound, logo.StatusCode);
            Assert.False(listener.Pending());
            Assert.Contains(factory.Logs.Lines, line => line.Contains(logoUrl, StringComparison.Ordinal)
                                                        && line.Contains("localhost resolves to no public address", StringComparison.Ordinal)
                                                        && line.Contains("127.0.0.1", StringComparison.Ordinal));
        }
        finally
        {
            listener.Stop();
        }
    }

    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("127.10.20.30")]
    [InlineData("10.1.2.3")]
    [InlineData("172.16.0.1")]
    [InlineData("172.31.255.254")]
    [InlineData("192.168.1.1")]
    [InlineData("100.64.0.1")]
    [InlineData("100.127.255.255")]
    [InlineData("169.254.169.254")]
    [InlineData("0.0.0.0")]
    [InlineData("224.0.0.251")]
    [InlineData("255.255.255.255")]
    [InlineData("::")]
    [InlineData("::1")]
    [InlineData("fe80::1")]
    [InlineData("fc00::1")]
    [InlineData("fd12:3456::1")]
    [InlineData("ff02::1")]
    [InlineData("::ffff:127.0.0.1")]
    [InlineData("::ffff:192.168.0.1")]
    public void Loopback_private_link_local_cgnat_unspecified_and_multicast_addresses_are_not_public(string address) =>
        Assert.False(PublicAddresses.IsPublic(IPAddress.Parse(address)));

    [Theory]
    [InlineData("193.166.3.2")]
    [InlineData("172.32.0.1")]
    [InlineData("100.128.0.1")]
    [InlineData("2001:638:700::1")]
    [InlineData("::ffff:193.166.3.2")]
    public void Public_addresses_are_public(string address) =>
        Assert.True(PublicAddresses.IsPublic(IPAddress.Parse(address)));
}
