using System.Diagnostics;
using System.Net;
using AaiProxy.Saml.Replay;
using AaiProxy.Server.Upstream.Saml;
using AaiProxy.Server.Tests.Infrastructure;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using StackExchange.Redis;
using static AaiProxy.Server.Tests.Saml.SamlBrowserSteps;

namespace AaiProxy.Server.Tests.Saml;

/// <summary>
/// The assertion replay cache shared by every node through a real Redis (AAIPROXY_TEST_REDIS), so a
/// response replayed to another node behind the load balancer is refused too.
/// </summary>
public sealed class RedisReplayCacheTests
{
    [SkippableFact]
    public async Task Accepts_an_assertion_once_per_issuer_and_again_after_it_expires()
    {
        await using var redis = await ConnectionMultiplexer.ConnectAsync(TestRedis.Configuration);
        var cache = new RedisSamlReplayCache(redis, TimeProvider.System);
        var assertionId = "_" + Guid.NewGuid().ToString("N");
        var expiresAt = DateTimeOffset.UtcNow.AddSeconds(1);

        Assert.True(await cache.TryAddAsync("https://idp.example.org/idp", assertionId, expiresAt, default));
        Assert.False(await cache.TryAddAsync("https://idp.example.org/idp", assertionId, expiresAt, default));
        Assert.True(await cache.TryAddAsync("https://other-idp.example.org/idp", assertionId, expiresAt, default));

        // Real clock, bounded wait: the entry must be gone soon after it expires (≤ 3 s).
        var waited = Stopwatch.StartNew();
        while (!await cache.TryAddAsync("https://idp.example.org/idp", assertionId, DateTimeOffset.UtcNow.AddSeconds(1), default))
        {
            Assert.True(waited.Elapsed < TimeSpan.FromSeconds(3), "The replay cache entry did not expire within 3 s.");
            await Task.Delay(100);
        }

        Assert.True(waited.Elapsed > TimeSpan.FromMilliseconds(500), $"The entry expired after only {waited.Elapsed}.");
    }

    [SkippableFact]
    public async Task Response_accepted_by_one_node_is_refused_as_a_replay_by_another_node_sharing_redis()
    {
        var settings = new Dictionary<string, string> { ["AaiProxy:Redis:Configuration"] = TestRedis.Configuration };
        await using var database = await TestDatabase.CreateAsync();
        await using var first = new ProxyFactory(database, overrides: settings);
        _ = first.Server; // one node at a time migrates the shared database and creates the keys
        await using var second = new ProxyFactory(database, overrides: settings);
        Assert.IsType<RedisSamlReplayCache>(first.Services.GetRequiredService<ISamlReplayCache>());
        Assert.IsType<RedisSamlReplayCache>(second.Services.GetRequiredService<ISamlReplayCache>());

        // The same browser state (response and outstanding-request cookie) reaches both nodes.
        var cookies = new CookieContainer();
        var browser = first.CreateBrowser(cookies);
        var form = await ObtainResponseAsync(browser, "bob");
        var sameBrowserOnSecondNode = second.CreateBrowser(CopyCookies(cookies));

        using (var accepted = await UpstreamLogin.PostToAcsAsync(browser, form))
        {
            Assert.Equal(HttpStatusCode.Redirect, accepted.StatusCode);
        }

        using var replayed = await UpstreamLogin.PostToAcsAsync(sameBrowserOnSecondNode, form);

        var page = await ReadFailurePageAsync(replayed);
        Assert.Equal(HttpStatusCode.BadRequest, page.Status);
        // The demo IdP encrypts here (the default), so the page reads like any encrypted-assertion failure.
        Assert.Contains("could not be decrypted or validated", page.Html);
        LogLine(second, page.CorrelationId, "response rejected with Replayed (encrypted assertion: True)");
        Assert.False(await IsSignedInAsync(sameBrowserOnSecondNode));
    }

    [Fact]
    public async Task Unreachable_redis_fails_the_replay_check_closed_instead_of_answering_not_seen()
    {
        await using var redis = await ConnectionMultiplexer.ConnectAsync(UnreachableRedis);
        var cache = new RedisSamlReplayCache(redis, TimeProvider.System);

        var failure = await Assert.ThrowsAsync<SamlReplayCacheUnavailableException>(async () =>
            await cache.TryAddAsync("https://idp.example.org/idp", "_" + Guid.NewGuid().ToString("N"), DateTimeOffset.UtcNow.AddMinutes(5), default));

        Assert.IsAssignableFrom<RedisException>(failure.InnerException);
    }

    [Fact]
    public async Task Response_arriving_while_the_replay_cache_is_unreachable_gets_a_503_page_and_no_session()
    {
        await using var database = await TestDatabase.CreateAsync();
        await using var node = new UnreachableReplayCacheProxy(database);
        var browser = node.CreateBrowser();
        var form = await ObtainResponseAsync(browser, "bob");

        using var answer = await UpstreamLogin.PostToAcsAsync(browser, form);

        var page = await ReadFailurePageAsync(answer);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, page.Status);
        Assert.Contains("cannot complete sign-ins at the moment", page.Html);
        LogLine(node, page.CorrelationId, "replay_check_unavailable");
        Assert.False(await IsSignedInAsync(browser));
    }

    /// <summary>Nothing listens there: connecting fails at once (abortConnect=false keeps the multiplexer, as in production).</summary>
    private const string UnreachableRedis = "127.0.0.1:1,abortConnect=false,connectTimeout=500,syncTimeout=1000,asyncTimeout=1000,connectRetry=0";

    /// <summary>A node whose shared replay cache is a Redis that does not answer (cookies and keys stay local so that
    /// everything up to the replay check works).</summary>
    private sealed class UnreachableReplayCacheProxy(TestDatabase database) : ProxyFactory(database)
    {
        protected override void ConfigureWebHost(Microsoft.AspNetCore.Hosting.IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.ConfigureTestServices(services => services.AddSingleton<ISamlReplayCache>(provider =>
                new RedisSamlReplayCache(ConnectionMultiplexer.Connect(UnreachableRedis), TimeProvider.System)));
        }
    }
}
