using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using AaiProxy.Server.Tests.Infrastructure;
using AaiProxy.Tests.Shared;
using Microsoft.Extensions.Options;

namespace AaiProxy.Server.Tests.Web;

/// <summary>Each credential-taking endpoint has a bucket of its own per caller (the client id on the endpoints clients
/// authenticate to, else the IP address), chosen by routing, not by the raw path; with Redis, one budget for every node.</summary>
public sealed class RateLimitingTests(ProxyFixture fixture) : IClassFixture<ProxyFixture>
{
    private const string DownloadClientId = "demo-download";
    private const string DownloadSecret = "demo-download-secret";

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

    [Fact]
    public async Task Each_client_spends_its_own_token_budget_whether_it_authenticates_by_basic_or_by_form()
    {
        await using var factory = LimitedTo(2);
        var http = factory.CreateClient();

        using var basic = await http.SendAsync(BasicClientCredentials(OidcTestClient.ServiceClientId, OidcTestClient.ServiceSecret));
        using var form = await http.PostAsync("/connect/token", ClientCredentials());
        using var exhausted = await http.SendAsync(BasicClientCredentials(OidcTestClient.ServiceClientId, OidcTestClient.ServiceSecret));
        using var otherClient = await http.SendAsync(BasicClientCredentials(DownloadClientId, DownloadSecret));

        Assert.Equal(HttpStatusCode.OK, basic.StatusCode);
        Assert.Equal(HttpStatusCode.OK, form.StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, exhausted.StatusCode);
        Assert.Equal(HttpStatusCode.OK, otherClient.StatusCode);
    }

    [Fact]
    public async Task Wrong_secrets_spend_the_named_clients_budget_so_guessing_it_is_bounded()
    {
        await using var factory = LimitedTo(2);
        var http = factory.CreateClient();

        using var firstGuess = await http.SendAsync(BasicClientCredentials(DownloadClientId, "guess-1"));
        using var secondGuess = await http.SendAsync(BasicClientCredentials(DownloadClientId, "guess-2"));
        using var thirdGuess = await http.SendAsync(BasicClientCredentials(DownloadClientId, DownloadSecret));

        Assert.Equal(HttpStatusCode.Unauthorized, firstGuess.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, secondGuess.StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, thirdGuess.StatusCode);
    }

    [Fact]
    public async Task A_refused_api_request_gets_429_with_retry_after_and_problem_details()
    {
        await using var factory = LimitedTo(1);
        var http = factory.CreateClient();
        using var first = await http.PostAsync("/connect/token", ClientCredentials());

        using var refused = await http.PostAsync("/connect/token", ClientCredentials());

        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        var retryAfter = Assert.Single(refused.Headers.GetValues("Retry-After"));
        var seconds = int.Parse(retryAfter, CultureInfo.InvariantCulture);
        Assert.InRange(seconds, 1, 600);
        Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
        using var problem = JsonDocument.Parse(await refused.Content.ReadAsStringAsync());
        Assert.Equal(429, problem.RootElement.GetProperty("status").GetInt32());
        Assert.False(string.IsNullOrEmpty(problem.RootElement.GetProperty("traceId").GetString()));
    }

    [Fact]
    public async Task An_unknown_endpoint_name_or_a_sub_second_window_stops_the_start_naming_the_setting()
    {
        await using var factory = new ProxyFactory(fixture.Database, overrides: new Dictionary<string, string>
        {
            ["AaiProxy:RateLimiting:Endpoints:tokens:PermitLimit"] = "5",
            ["AaiProxy:RateLimiting:Endpoints:token:Window"] = "00:00:00.500",
        });

        var failure = Assert.ThrowsAny<Exception>(() => factory.Server);
        var message = Assert.IsType<OptionsValidationException>(failure is AggregateException aggregate ? aggregate.InnerException : failure).Message;

        Assert.Contains("AaiProxy:RateLimiting:Endpoints:tokens is not a rate-limited endpoint", message);
        Assert.Contains("AaiProxy:RateLimiting:Endpoints:token must have a positive PermitLimit and a Window of at least 00:00:01", message);
    }

    [SkippableFact]
    public async Task Two_nodes_sharing_redis_spend_one_budget_per_client()
    {
        // Buckets no other run of this test has touched (Redis outlives a test run).
        var clientId = "rate-limited-" + Guid.NewGuid().ToString("N");
        var otherClientId = "rate-limited-other-" + Guid.NewGuid().ToString("N");
        const string secret = "rate-limited-secret";
        var settings = new Dictionary<string, string>
        {
            ["AaiProxy:Redis:Configuration"] = TestRedis.Configuration,
            ["AaiProxy:RateLimiting:PermitLimit"] = "3",
            ["AaiProxy:RateLimiting:Window"] = "00:10:00",
            [ConfiguredClients.Key(1, "ClientId")] = clientId,
            [ConfiguredClients.Key(1, "Type")] = "Confidential",
            [ConfiguredClients.Key(1, "ClientSecret")] = secret,
            [ConfiguredClients.Key(1, "AllowedGrants:0")] = "client_credentials",
            [ConfiguredClients.Key(2, "ClientId")] = otherClientId,
            [ConfiguredClients.Key(2, "Type")] = "Confidential",
            [ConfiguredClients.Key(2, "ClientSecret")] = secret,
            [ConfiguredClients.Key(2, "AllowedGrants:0")] = "client_credentials",
        };
        await using var database = await TestDatabase.CreateAsync();
        await using var nodeA = new ProxyFactory(database, overrides: settings);
        _ = nodeA.Server; // one node at a time migrates the shared database
        await using var nodeB = new ProxyFactory(database, overrides: settings);
        var a = nodeA.CreateClient();
        var b = nodeB.CreateClient();

        var statuses = new List<HttpStatusCode>();
        foreach (var node in new[] { a, b, a, b, a })
        {
            using var response = await node.SendAsync(BasicClientCredentials(clientId, secret));
            statuses.Add(response.StatusCode);
        }

        // Three permits in all, not three per node.
        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.TooManyRequests, HttpStatusCode.TooManyRequests], statuses);
        using var otherClient = await b.SendAsync(BasicClientCredentials(otherClientId, secret));
        Assert.Equal(HttpStatusCode.OK, otherClient.StatusCode);
    }

    private ProxyFactory LimitedTo(int permits) => new(fixture.Database, overrides: new Dictionary<string, string>
    {
        ["AaiProxy:RateLimiting:PermitLimit"] = permits.ToString(CultureInfo.InvariantCulture),
        ["AaiProxy:RateLimiting:Window"] = "00:10:00",
    });

    private static FormUrlEncodedContent ClientCredentials() => new(new Dictionary<string, string>
    {
        ["grant_type"] = "client_credentials",
        ["client_id"] = OidcTestClient.ServiceClientId,
        ["client_secret"] = OidcTestClient.ServiceSecret,
    });

    private static HttpRequestMessage BasicClientCredentials(string clientId, string secret) => new(HttpMethod.Post, "/connect/token")
    {
        Content = new FormUrlEncodedContent(new Dictionary<string, string> { ["grant_type"] = "client_credentials" }),
        Headers = { Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{clientId}:{secret}"))) },
    };
}
