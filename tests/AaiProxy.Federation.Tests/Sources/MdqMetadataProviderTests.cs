using AaiProxy.Tests.Shared;
using AaiProxy.Federation.Generation;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using AaiProxy.Federation.Sources;
using AaiProxy.Federation.Tests.Generation;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace AaiProxy.Federation.Tests.Sources;

public sealed class MdqMetadataProviderTests : IDisposable
{
    private static readonly string IdP0 = AggregateGenerator.EntityId(0);
    private static readonly TimeSpan CacheDuration = TimeSpan.FromMinutes(30);

    private readonly MetadataServer _server = new();
    private readonly HttpClient _http = new();
    private readonly FakeTimeProvider _time = new(Fixtures.Now);

    public void Dispose()
    {
        _http.Dispose();
        _server.Dispose();
    }

    private MdqMetadataProvider Provider(bool sha1 = false, int maxEntries = 20_000) => new(_http,
        new MdqOptions { BaseUrl = _server.BaseUrl, Anchor = Fixtures.Anchor, UseSha1Identifiers = sha1, MaxEntries = maxEntries },
        _time, NullLogger<MdqMetadataProvider>.Instance);

    private static string Answer(int index) => Fixtures.SignedEntityDocument(index, Fixtures.Now.AddDays(7), CacheDuration);

    private void Publish(string identifier, string document) => _server.Answers["entities/" + identifier] = document;

    [Fact]
    public async Task Fetches_an_identity_provider_by_its_url_encoded_entity_id_and_caches_it()
    {
        Publish(Uri.EscapeDataString(IdP0), Answer(0));
        var provider = Provider();

        var first = await provider.FindAsync(IdP0);
        var second = await provider.FindAsync(IdP0);

        Assert.Equal(IdP0, first!.EntityId);
        Assert.Same(first.SigningCertificates, second!.SigningCertificates);
        var request = Assert.Single(_server.Requests);
        Assert.Equal($"/metadata/entities/{Uri.EscapeDataString(IdP0)}", request.Path);
    }

    [Fact]
    public async Task Concurrent_lookups_of_one_entity_share_a_single_query()
    {
        Publish(Uri.EscapeDataString(IdP0), Answer(0));
        _server.Gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var provider = Provider();

        var first = provider.FindAsync(IdP0).AsTask();
        await _server.RequestArrived.Task.WaitAsync(TimeSpan.FromSeconds(30));
        var second = provider.FindAsync(IdP0).AsTask();
        _server.Gate.SetResult();
        var answers = await Task.WhenAll(first, second);

        Assert.All(answers, a => Assert.Equal(IdP0, a!.EntityId));
        Assert.Single(_server.Requests);
    }

    [Fact]
    public async Task Asks_by_the_sha1_form_when_configured()
    {
        var hex = Convert.ToHexStringLower(SHA1.HashData(Encoding.UTF8.GetBytes(IdP0)));
        Publish("%7Bsha1%7D" + hex, Answer(0));

        var idp = await Provider(sha1: true).FindAsync(IdP0);

        Assert.Equal(IdP0, idp!.EntityId);
    }

    [Fact]
    public async Task Revalidates_with_the_etag_after_the_cache_duration()
    {
        Publish(Uri.EscapeDataString(IdP0), Answer(0));
        var provider = Provider();
        await provider.FindAsync(IdP0);

        _time.Advance(CacheDuration);
        var again = await provider.FindAsync(IdP0);

        Assert.Equal(IdP0, again!.EntityId);
        var requests = _server.Requests.ToArray();
        Assert.Equal(2, requests.Length);
        Assert.Null(requests[0].IfNoneMatch);
        Assert.NotNull(requests[1].IfNoneMatch);
    }

    [Fact]
    public async Task Remembers_an_unknown_entity_for_the_negative_cache_duration()
    {
        var provider = Provider();

        Assert.Null(await provider.FindAsync("https://unknown.example/idp"));
        Assert.Null(await provider.FindAsync("https://unknown.example/idp"));
        Assert.Single(_server.Requests);

        _time.Advance(TimeSpan.FromMinutes(10));
        Assert.Null(await provider.FindAsync("https://unknown.example/idp"));
        Assert.Equal(2, _server.Requests.Count);
    }

    [Fact]
    public async Task Never_asks_for_an_entity_id_that_is_not_an_absolute_uri_of_at_most_1024_characters()
    {
        var provider = Provider();

        Assert.Null(await provider.FindAsync("not an entity id"));
        Assert.Null(await provider.FindAsync("https://idp.example.org/" + new string('a', 1024)));
        Assert.Empty(_server.Requests);
    }

    [Fact]
    public async Task A_full_cache_remembers_no_more_unknown_entities_until_expired_ones_make_room()
    {
        var provider = Provider(maxEntries: 1);

        await provider.FindAsync("https://first.unknown.example/idp");
        await provider.FindAsync("https://second.unknown.example/idp");
        await provider.FindAsync("https://second.unknown.example/idp");
        _time.Advance(TimeSpan.FromMinutes(10));
        await provider.FindAsync("https://third.unknown.example/idp");
        await provider.FindAsync("https://third.unknown.example/idp");

        Assert.Equal(2, _server.Requests.Count(r => r.Path.Contains("second", StringComparison.Ordinal)));
        Assert.Equal(1, _server.Requests.Count(r => r.Path.Contains("third", StringComparison.Ordinal)));
        Assert.Equal(1, provider.Status.Unknown);
    }

    [Fact]
    public async Task Status_counts_cached_and_unknown_entities_and_says_when_the_latest_query_failed()
    {
        Publish(Uri.EscapeDataString(IdP0), Answer(0));
        var provider = Provider();
        await provider.FindAsync(IdP0);
        await provider.FindAsync("https://unknown.example/idp");
        var answering = provider.Status;

        _server.Failure = HttpStatusCode.BadGateway;
        await provider.FindAsync("https://other.unknown.example/idp");
        var failing = provider.Status;

        Assert.Equal((1, 1, false), (answering.IdentityProviders, answering.Unknown, answering.IsFailing));
        Assert.True(failing.IsFailing);
        Assert.Contains("502", failing.LastError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Refuses_an_answer_changed_after_signing()
    {
        Publish(Uri.EscapeDataString(IdP0), Fixtures.ReplaceOnce(Answer(0), "/idp/profile/SAML2/Redirect/SSO", "/evil"));

        Assert.Null(await Provider().FindAsync(IdP0));
    }

    [Fact]
    public async Task Refuses_a_signed_answer_about_another_entity()
    {
        Publish(Uri.EscapeDataString(IdP0), Answer(1));

        Assert.Null(await Provider().FindAsync(IdP0));
    }

    [Fact]
    public async Task Refuses_an_unsigned_answer()
    {
        Publish(Uri.EscapeDataString(IdP0), AggregateGenerator.EntityDocument(0));

        Assert.Null(await Provider().FindAsync(IdP0));
    }

    [Fact]
    public async Task Keeps_serving_a_still_valid_answer_while_the_service_fails()
    {
        Publish(Uri.EscapeDataString(IdP0), Answer(0));
        var provider = Provider();
        await provider.FindAsync(IdP0);

        _server.Failure = HttpStatusCode.InternalServerError;
        _time.Advance(CacheDuration);

        Assert.Equal(IdP0, (await provider.FindAsync(IdP0))!.EntityId);
        Assert.Equal(2, _server.Requests.Count);
        Assert.Equal([IdP0], (await provider.ListAsync()).Select(i => i.EntityId));
    }

    [Fact]
    public async Task Stops_serving_an_answer_past_its_valid_until()
    {
        Publish(Uri.EscapeDataString(IdP0), Answer(0));
        var provider = Provider();
        await provider.FindAsync(IdP0);

        _server.Failure = HttpStatusCode.InternalServerError;
        _time.Advance(TimeSpan.FromDays(8));

        Assert.Null(await provider.FindAsync(IdP0));
        Assert.Empty(await provider.ListAsync());
    }
}
