using AaiProxy.Federation.Generation;
using System.Diagnostics;
using AaiProxy.Federation.Discovery;
using AaiProxy.Federation.Model;
using AaiProxy.Federation.Tests.Generation;
using AaiProxy.Saml.Metadata;

namespace AaiProxy.Federation.Tests.Discovery;

public sealed class FederationIndexTests
{
    private static readonly Lazy<FederationIndex> SixThousand = new(() =>
    {
        // 10,000 generated entities carry 6,000 IdPs, as eduGAIN does; the index needs no signature.
        var xml = AggregateGenerator.Generate(new AggregateSpec { Entities = 10_000 });
        return new FederationIndex(Fixtures.LoadUnsigned(xml, AaiProxy.Federation.Reading.MetadataReadOptions.Aggregate).IdentityProviders);
    });

    private static FederationEntity Idp(string entityId, string[] names, string[]? domains = null, string? keywords = null,
        bool hidden = false) => new()
    {
        EntityId = entityId,
        SingleSignOnServices = [new MetadataEndpoint(FederationUris.HttpRedirectBinding, new Uri(entityId + "/sso"))],
        SigningCertificates = [TestCertificates.EntityCertificates[0]],
        Scopes = (domains ?? []).Select(d => new ShibbolethScope(d, false)).ToList(),
        UserInterface = UserInterfaceInfo.Empty with
        {
            DisplayNames = names.Select((n, i) => new LocalizedText(i == 0 ? "en" : "fi", n)).ToList(),
            Keywords = keywords is null ? [] : [new LocalizedText("en", keywords)],
        },
        EntityAttributes = hidden
            ? new Dictionary<string, IReadOnlyList<string>> { [FederationUris.EntityCategoryAttribute] = [FederationUris.HideFromDiscovery] }
            : new Dictionary<string, IReadOnlyList<string>>(),
    };

    private static readonly FederationIndex Small = new([
        Idp("https://idp.helsinki.example", ["University of Helsinki", "Helsingin yliopisto"], ["helsinki.example"]),
        Idp("https://idp.aalto.example", ["Aalto University"], ["aalto.example"], keywords: "technology+school espoo"),
        Idp("https://idp.tuni.example", ["Tampere University"], ["tuni.example"]),
        Idp("https://idp.hidden.example", ["Hidden University"], ["hidden.example"], hidden: true),
    ]);

    private static IEnumerable<string> Search(string query, string? language = "en") =>
        Small.Search(query, language, 10).Select(h => h.Entity.EntityId);

    [Fact]
    public void Finds_by_a_word_prefix_of_the_display_name_in_any_language()
    {
        Assert.Equal(["https://idp.helsinki.example"], Search("helsing"));
    }

    [Fact]
    public void Ranks_word_starts_above_matches_inside_a_word()
    {
        Assert.Equal(["https://idp.aalto.example", "https://idp.tuni.example", "https://idp.helsinki.example"], Search("univ"));
        Assert.Equal(["https://idp.helsinki.example"], Search("sinki"));
    }

    [Fact]
    public void Needs_every_word_of_the_query_to_match()
    {
        Assert.Equal(["https://idp.tuni.example"], Search("tampere univ"));
        Assert.Empty(Search("tampere helsinki"));
    }

    [Fact]
    public void Finds_by_e_mail_address_domain_and_subdomain()
    {
        Assert.Equal(["https://idp.aalto.example"], Search("alice@aalto.example"));
        Assert.Equal(["https://idp.aalto.example"], Search("bob@cs.aalto.example"));
        Assert.Equal(["https://idp.tuni.example"], Search("tuni.ex"));
    }

    [Fact]
    public void Finds_by_keywords()
    {
        Assert.Equal(["https://idp.aalto.example"], Search("technology school"));
    }

    [Fact]
    public void Shows_the_display_name_in_the_persons_language()
    {
        var hit = Assert.Single(Small.Search("helsinki", "fi", 10));

        Assert.Equal("Helsingin yliopisto", hit.DisplayName);
        Assert.Equal(["helsinki.example"], hit.Domains);
    }

    [Fact]
    public void Leaves_hidden_from_discovery_idps_out_of_search_but_resolves_them_by_id()
    {
        Assert.Empty(Search("hidden"));
        Assert.NotNull(Small.Find("https://idp.hidden.example"));
        Assert.NotNull(Small.FindMetadata("https://idp.hidden.example"));
        Assert.Equal(4, Small.IdentityProviders.Count);
    }

    [Fact]
    public void Answers_a_blank_query_with_nothing()
    {
        Assert.Empty(Search("   "));
    }

    [Fact]
    public void Searches_six_thousand_idps_in_milliseconds()
    {
        var index = SixThousand.Value;
        Assert.Equal(6_000, index.Count);
        var queries = new[] { "u", "univ", "helsinki", "göttingen campus 1", "x@" + AggregateGenerator.Domain(77), "ampus 99", "nothing-like-this" };
        index.Search("warm-up", "en", 20);

        // The fastest of ten rounds: a busy neighbour on the shared machine can stall a round, not all ten.
        var fastest = TimeSpan.MaxValue;
        for (var round = 0; round < 10; round++)
        {
            var clock = Stopwatch.StartNew();
            foreach (var query in queries)
            {
                index.Search(query, "de", 20);
            }

            fastest = clock.Elapsed < fastest ? clock.Elapsed : fastest;
        }

        // 7 searches; a type-ahead needs each well under 50 ms even on a loaded 2-core machine.
        Assert.True(fastest < TimeSpan.FromMilliseconds(350), $"the fastest round of 7 searches took {fastest.TotalMilliseconds:F0} ms");
        Assert.Equal(AggregateGenerator.EntityId(77), Assert.Single(index.Search("x@" + AggregateGenerator.Domain(77), "en", 20)).Entity.EntityId);
        Assert.Equal("Universität Göttingen campus 5997", index.Search("göttingen campus 5997", "de", 20)[0].DisplayName);
    }
}
