using AaiProxy.Federation.Generation;
using AaiProxy.Federation.Reading;
using AaiProxy.Federation.Sources;
using AaiProxy.Federation.Tests.Generation;

namespace AaiProxy.Federation.Tests.Sources;

public sealed class FederationMetadataProviderTests
{
    private static readonly string IdP0 = AggregateGenerator.EntityId(0);

    [Fact]
    public async Task Serves_the_identity_providers_of_a_verified_aggregate()
    {
        using var bed = new ProviderTestBed();
        bed.Publish(Fixtures.Baseline);

        await bed.Provider.RefreshAsync();

        var idp = await bed.Provider.FindAsync(IdP0);
        Assert.Equal(new Uri($"https://idp.{AggregateGenerator.Domain(0)}/idp/profile/SAML2/Redirect/SSO"), idp!.SingleSignOnServiceRedirectUrl);
        Assert.Equal(15, (await bed.Provider.ListAsync()).Count);
        Assert.Null(await bed.Provider.FindAsync(AggregateGenerator.EntityId(3)));
        var status = Assert.Single(bed.Provider.Status);
        Assert.True(status.IsReady);
        Assert.Equal(Fixtures.Now, status.LastSuccess);
    }

    public static TheoryData<string, MetadataRejection> RejectedRefreshes => new()
    {
        { "tampered", MetadataRejection.SignatureInvalid },
        { "expired", MetadataRejection.Expired },
        { "sha1", MetadataRejection.SignatureAlgorithmNotAllowed },
        { "unsigned", MetadataRejection.SignatureMissing },
        { "truncated", MetadataRejection.Malformed },
    };

    private static string RefreshDocument(string kind) => kind switch
    {
        "tampered" => Fixtures.ReplaceOnce(Fixtures.Baseline, "University of Helsinki", "University of Attackers"),
        "expired" => Fixtures.SignedAggregate(new AggregateSpec { Entities = 5, ValidUntil = Fixtures.Now.AddMinutes(30) }),
        "sha1" => Fixtures.SignedAggregate(new AggregateSpec { Entities = 5 }, SigningProfile.Maps with { DigestMethod = Saml.Xml.XmlSecurityAlgorithms.Sha1 }),
        "unsigned" => AggregateGenerator.Generate(new AggregateSpec { Entities = 5 }),
        _ => Fixtures.Baseline[..(Fixtures.Baseline.Length / 2)],
    };

    [Theory]
    [MemberData(nameof(RejectedRefreshes))]
    public async Task Keeps_the_last_good_set_and_records_why_when_a_refresh_is_rejected(string refresh, MetadataRejection expected)
    {
        using var bed = new ProviderTestBed();
        bed.Publish(Fixtures.Baseline);
        await bed.Provider.RefreshAsync();

        bed.Publish(RefreshDocument(refresh));
        bed.Time.Advance(TimeSpan.FromHours(1));
        await bed.Provider.RefreshAsync();

        Assert.Equal(15, bed.Provider.Index.Count);
        Assert.Equal("University of Helsinki", bed.Provider.Index.Find(IdP0)!.DisplayName("en"));
        var status = Assert.Single(bed.Provider.Status);
        Assert.Equal(expected, status.LastRejection);
        Assert.Equal(Fixtures.Now, status.LastSuccess);
        Assert.Equal(TimeSpan.FromHours(1), status.Age(bed.Time.GetUtcNow()));
    }

    [Fact]
    public async Task Stops_serving_the_last_good_set_once_its_own_valid_until_has_passed()
    {
        using var bed = new ProviderTestBed();
        bed.Publish(Fixtures.Baseline);
        await bed.Provider.RefreshAsync();

        bed.Time.Advance(TimeSpan.FromDays(15));
        await bed.Provider.RefreshAsync();

        Assert.Equal(0, bed.Provider.Index.Count);
        Assert.Equal(MetadataRejection.Expired, bed.Provider.Status[0].LastRejection);
    }

    [Fact]
    public async Task Records_why_the_first_read_failed_and_serves_nothing()
    {
        using var bed = new ProviderTestBed();

        await bed.Provider.RefreshAsync();

        var status = Assert.Single(bed.Provider.Status);
        Assert.False(status.IsReady);
        Assert.Equal(MetadataRejection.Unavailable, status.LastRejection);
        Assert.Null(status.Age(bed.Time.GetUtcNow()));
        Assert.Empty(await bed.Provider.ListAsync());
    }

    [Fact]
    public async Task Refreshes_when_the_injected_clock_reaches_the_interval()
    {
        using var bed = new ProviderTestBed(refreshInterval: TimeSpan.FromMinutes(20));
        bed.Publish(Fixtures.Baseline);
        await bed.Provider.RefreshAsync();
        bed.Publish(Fixtures.SignedAggregate(new AggregateSpec { Entities = 5 }));
        var refreshed = new TaskCompletionSource<MetadataSourceStatus>(TaskCreationOptions.RunContinuationsAsynchronously);
        bed.Provider.Refreshed += status => refreshed.TrySetResult(status);
        bed.Provider.StartRefreshing();

        bed.Time.Advance(TimeSpan.FromMinutes(19));
        Assert.False(refreshed.Task.IsCompleted);
        bed.Time.Advance(TimeSpan.FromMinutes(1));
        var status = await refreshed.Task.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(3, status.IdentityProviders);
        Assert.Equal(3, bed.Provider.Index.Count);
    }

    /// <summary>A source that fails in an unforeseen way first, then works.</summary>
    private sealed class ThrowsOnceSource() : MetadataSource("scripted", TimeSpan.FromMinutes(20), null)
    {
        public int Calls { get; private set; }

        public override Task<MetadataDocument> LoadAsync(DateTimeOffset now, CancellationToken cancellationToken) =>
            ++Calls == 1
                ? throw new InvalidOperationException("unforeseen")
                : Task.FromResult(Fixtures.Load(Fixtures.Baseline, now: now));
    }

    [Fact]
    public async Task Keeps_refreshing_on_schedule_after_a_refresh_that_threw()
    {
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(Fixtures.Now);
        var source = new ThrowsOnceSource();
        using var provider = new FederationMetadataProvider([source], time,
            Microsoft.Extensions.Logging.Abstractions.NullLogger<FederationMetadataProvider>.Instance);
        var refreshed = new TaskCompletionSource<MetadataSourceStatus>(TaskCreationOptions.RunContinuationsAsynchronously);
        provider.Refreshed += status => refreshed.TrySetResult(status);
        provider.StartRefreshing();

        time.Advance(TimeSpan.FromMinutes(20));
        time.Advance(TimeSpan.FromMinutes(20));
        var status = await refreshed.Task.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(2, source.Calls);
        Assert.Equal(15, status.IdentityProviders);
    }

    [Fact]
    public async Task Lookups_racing_with_refreshes_never_see_an_empty_or_half_built_set()
    {
        using var bed = new ProviderTestBed();
        var small = Fixtures.SignedAggregate(new AggregateSpec { Entities = 10 });
        var sizes = new HashSet<int> { 6, 15 };
        bed.Publish(Fixtures.Baseline);
        await bed.Provider.RefreshAsync();
        using var stop = new CancellationTokenSource();
        var seen = new System.Collections.Concurrent.ConcurrentBag<int>();

        var readers = Enumerable.Range(0, 4).Select(_ => Task.Run(async () =>
        {
            var lookups = 0;
            while (!stop.IsCancellationRequested || lookups == 0)
            {
                var all = await bed.Provider.ListAsync();
                var idp = await bed.Provider.FindAsync(IdP0);
                Assert.NotNull(idp);
                Assert.Contains(all.Count, sizes);
                seen.Add(all.Count);
                lookups++;
            }

            return lookups;
        })).ToList();
        for (var i = 0; i < 20; i++)
        {
            bed.Publish(i % 2 == 0 ? small : Fixtures.Baseline);
            await bed.Provider.RefreshAsync();
            Assert.Null(bed.Provider.Status[0].LastRejection);
        }

        await stop.CancelAsync();
        var counts = await Task.WhenAll(readers);

        Assert.All(counts, c => Assert.True(c > 0));
        Assert.Subset(sizes, seen.ToHashSet());
    }

    [Fact]
    public async Task Applies_the_sources_filter_before_serving()
    {
        var filter = new EntityFilter { IncludeRegistrationAuthorities = new HashSet<string> { AggregateGenerator.RegistrationAuthority(0) } };
        using var bed = new ProviderTestBed(filter);
        bed.Publish(Fixtures.Baseline);

        await bed.Provider.RefreshAsync();

        var expected = Enumerable.Range(0, 25)
            .Where(i => AggregateGenerator.IsIdentityProvider(i) && AggregateGenerator.RegistrationAuthority(i) == AggregateGenerator.RegistrationAuthority(0))
            .Select(AggregateGenerator.EntityId);
        Assert.Equal(expected, bed.Provider.Index.IdentityProviders.Select(i => i.EntityId));
    }

    [Fact]
    public async Task Takes_an_entity_found_in_two_sources_from_the_first()
    {
        using var bed = new ProviderTestBed();
        bed.Publish(Fixtures.Baseline);
        var local = Path.Combine(bed.Directory, "local");
        Directory.CreateDirectory(local);
        File.WriteAllText(Path.Combine(local, "idp0.xml"),
            AggregateGenerator.EntityDocument(0).Replace("University of Helsinki", "Helsinki (bilateral)"));
        using var provider = new FederationMetadataProvider(
            [new DirectoryEntitySource("local", local, TimeSpan.FromHours(1)), bed.Source], bed.Time,
            Microsoft.Extensions.Logging.Abstractions.NullLogger<FederationMetadataProvider>.Instance);

        await provider.RefreshAsync();

        Assert.Equal("Helsinki (bilateral)", provider.Index.Find(IdP0)!.DisplayName("en"));
        Assert.Equal(15, provider.Index.Count);
    }

    [Fact]
    public void Refuses_two_sources_with_the_same_name()
    {
        using var bed = new ProviderTestBed();

        Assert.Throws<ArgumentException>(() => new FederationMetadataProvider([bed.Source, bed.Source], bed.Time,
            Microsoft.Extensions.Logging.Abstractions.NullLogger<FederationMetadataProvider>.Instance));
    }
}
