using System.Net;
using AaiProxy.Server.Tests.Infrastructure;

namespace AaiProxy.Server.Tests.Web;

/// <summary>Each credential-taking endpoint has a bucket of its own per client IP, chosen by routing, not by the raw path.</summary>
public sealed class RateLimitingTests(ProxyFixture fixture) : IClassFixture<ProxyFixture>
{
    [Fact]
    public async Task A_trailing_slash_or_other_case_still_counts_against_the_token_endpoints_bucket()
    {
        await using var factory = LimitedTo(2);
        var client = factory.CreateClient();

        // Before: /connect/token/ was served but never limited.
        var statuses = new List<HttpStatusCode>();
        foreach (var path in new[] { "/connect/token", "/connect/token/", "/CONNECT/TOKEN/" })
        {
            using var response = await client.PostAsync(path, ClientCredentials());
            statuses.Add(response.StatusCode);
        }

        Assert.Equal(HttpStatusCode.TooManyRequests, statuses[2]);
        Assert.DoesNotContain(HttpStatusCode.TooManyRequests, statuses.Take(2));
    }

    [Fact]
    public async Task An_exhausted_token_bucket_leaves_the_login_page_and_authorization_endpoint_alone()
    {
        await using var factory = LimitedTo(1);
        var client = factory.CreateClient();
        using var first = await client.PostAsync("/connect/token", ClientCredentials());
        using var limited = await client.PostAsync("/connect/token", ClientCredentials());

        using var login = await client.GetAsync("/login");
        using var authorize = await client.GetAsync("/connect/authorize");

        Assert.Equal(HttpStatusCode.TooManyRequests, limited.StatusCode);
        Assert.NotEqual(HttpStatusCode.TooManyRequests, login.StatusCode);
        Assert.NotEqual(HttpStatusCode.TooManyRequests, authorize.StatusCode);
    }

    [Fact]
    public async Task A_per_endpoint_limit_overrides_the_default_for_that_endpoint_only()
    {
        await using var factory = new ProxyFactory(fixture.Database, overrides: new Dictionary<string, string>
        {
            ["AaiProxy:RateLimiting:PermitLimit"] = "100",
            ["AaiProxy:RateLimiting:Endpoints:login:PermitLimit"] = "1",
            ["AaiProxy:RateLimiting:Window"] = "00:10:00",
        });
        var client = factory.CreateClient();

        using var firstLogin = await client.GetAsync("/login");
        using var secondLogin = await client.GetAsync("/login");
        using var token = await client.PostAsync("/connect/token", ClientCredentials());

        Assert.Equal(HttpStatusCode.TooManyRequests, secondLogin.StatusCode);
        Assert.Equal(HttpStatusCode.OK, token.StatusCode);
    }

    private ProxyFactory LimitedTo(int permits) => new(fixture.Database, overrides: new Dictionary<string, string>
    {
        ["AaiProxy:RateLimiting:PermitLimit"] = permits.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["AaiProxy:RateLimiting:Window"] = "00:10:00",
    });

    private static FormUrlEncodedContent ClientCredentials() => new(new Dictionary<string, string>
    {
        ["grant_type"] = "client_credentials",
        ["client_id"] = OidcTestClient.ServiceClientId,
        ["client_secret"] = OidcTestClient.ServiceSecret,
    });
}
