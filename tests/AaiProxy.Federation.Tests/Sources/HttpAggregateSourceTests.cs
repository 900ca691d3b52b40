using AaiProxy.Tests.Shared;
using System.Net;
using AaiProxy.Federation.Reading;
using AaiProxy.Federation.Sources;
using AaiProxy.Federation.Tests.Generation;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace AaiProxy.Federation.Tests.Sources;

public sealed class HttpAggregateSourceTests : IDisposable
{
    private readonly MetadataServer _server = new();
    private readonly HttpClient _http = new();
    private readonly FakeTimeProvider _time = new(Fixtures.Now);
    private readonly FederationMetadataProvider _provider;

    public HttpAggregateSourceTests()
    {
        var source = new HttpAggregateSource("feed", _http, new Uri(_server.BaseUrl, "aggregate.xml"), Fixtures.Anchor, TimeSpan.FromHours(1));
        _provider = new FederationMetadataProvider([source], _time, NullLogger<FederationMetadataProvider>.Instance);
        _server.Answers["aggregate.xml"] = Fixtures.Baseline;
    }

    public void Dispose()
    {
        _provider.Dispose();
        _http.Dispose();
        _server.Dispose();
    }

    [Fact]
    public async Task Loads_a_verified_aggregate_from_a_url_and_revalidates_it_with_a_conditional_get()
    {
        await _provider.RefreshAsync();
        _time.Advance(TimeSpan.FromHours(1));
        await _provider.RefreshAsync();

        Assert.Equal(15, _provider.Index.Count);
        var requests = _server.Requests.ToArray();
        Assert.Null(requests[0].IfNoneMatch);
        Assert.NotNull(requests[1].IfNoneMatch);
        var status = Assert.Single(_provider.Status);
        Assert.Equal(Fixtures.Now.AddHours(1), status.LastSuccess);
    }

    [Fact]
    public async Task Keeps_the_last_good_set_when_the_feed_fails()
    {
        await _provider.RefreshAsync();

        _server.Failure = HttpStatusCode.BadGateway;
        await _provider.RefreshAsync();

        Assert.Equal(15, _provider.Index.Count);
        Assert.Equal(MetadataRejection.Unavailable, _provider.Status[0].LastRejection);
    }

    [Fact]
    public async Task Rejects_an_unchanged_aggregate_once_it_has_expired()
    {
        await _provider.RefreshAsync();

        _time.Advance(TimeSpan.FromDays(15));
        await _provider.RefreshAsync();

        Assert.Equal(0, _provider.Index.Count);
        Assert.Equal(MetadataRejection.Expired, _provider.Status[0].LastRejection);
    }
}
