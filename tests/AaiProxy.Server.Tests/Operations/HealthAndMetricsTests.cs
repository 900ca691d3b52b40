using System.Net;
using System.Text.Json;
using AaiProxy.Server.Configuration;
using AaiProxy.Server.Operations;
using AaiProxy.Server.Tests.Infrastructure;

namespace AaiProxy.Server.Tests.Operations;

public sealed class HealthAndMetricsTests(ProxyFixture fixture) : IClassFixture<ProxyFixture>
{
    [Theory]
    [InlineData("/health/live")]
    [InlineData("/healthz")]
    public async Task Liveness_answers_healthy_without_checking_dependencies(string path)
    {
        using var response = await fixture.Factory.CreateClient().GetAsync(path);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Healthy", body.RootElement.GetProperty("status").GetString());
        Assert.Empty(body.RootElement.GetProperty("checks").EnumerateObject());
    }

    [Fact]
    public async Task Readiness_checks_the_database_the_signing_keys_and_the_federation_metadata()
    {
        using var response = await fixture.Factory.CreateClient().GetAsync("/health/ready");
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("no-store", response.Headers.CacheControl?.ToString());
        var checks = body.RootElement.GetProperty("checks");
        Assert.Equal(["database", "federation-metadata", "signing-keys"], checks.EnumerateObject().Select(check => check.Name).Order());
        Assert.All(checks.EnumerateObject(), check => Assert.Equal("Healthy", check.Value.GetProperty("status").GetString()));
    }

    [Fact]
    public async Task Metrics_are_not_served_to_an_address_outside_the_allowed_networks()
    {
        // The in-process test server has no remote address: it is nobody's loopback.
        using var response = await fixture.Factory.CreateClient().GetAsync("/metrics");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Theory]
    [InlineData("127.0.0.1", true)]
    [InlineData("::1", true)]
    [InlineData("::ffff:10.0.5.7", true)]
    [InlineData("10.0.5.7", true)]
    [InlineData("10.0.6.7", false)]
    [InlineData("192.0.2.1", false)]
    public void Metrics_may_be_scraped_from_loopback_and_the_configured_networks(string address, bool allowed)
    {
        var telemetry = new TelemetryOptions { MetricsAllowedNetworks = ["10.0.5.0/24"] };

        Assert.Equal(allowed, Telemetry.Allowed(telemetry, IPAddress.Parse(address)));
    }
}
