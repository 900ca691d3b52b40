using AaiProxy.Federation.Generation;
using AaiProxy.Federation.Model;
using AaiProxy.Federation.Sources;
using AaiProxy.Federation.Tests.Generation;

namespace AaiProxy.Federation.Tests.Sources;

public sealed class EntityFilterTests
{
    private static readonly IReadOnlyList<FederationEntity> IdPs = Fixtures.Load(Fixtures.Baseline).IdentityProviders;

    private static IEnumerable<string> Kept(EntityFilter filter) => IdPs.Where(filter.Accepts).Select(e => e.EntityId);

    private static IEnumerable<string> Expected(Func<int, bool> predicate) =>
        Enumerable.Range(0, 25).Where(i => AggregateGenerator.IsIdentityProvider(i) && predicate(i)).Select(AggregateGenerator.EntityId);

    private static HashSet<string> Set(params string[] values) => new(values, StringComparer.Ordinal);

    [Fact]
    public void Keeps_everything_when_nothing_is_set()
    {
        Assert.Equal(15, Kept(EntityFilter.All).Count());
    }

    [Fact]
    public void Excludes_by_registration_authority()
    {
        var excluded = AggregateGenerator.RegistrationAuthority(1);

        Assert.Equal(Expected(i => AggregateGenerator.RegistrationAuthority(i) != excluded),
            Kept(new EntityFilter { ExcludeRegistrationAuthorities = Set(excluded) }));
    }

    [Fact]
    public void Includes_only_entities_with_an_assurance_certification()
    {
        Assert.Equal(Expected(AggregateGenerator.HasSirtfi),
            Kept(new EntityFilter { IncludeAssuranceCertifications = Set(FederationUris.Sirtfi) }));
    }

    [Fact]
    public void Includes_only_entities_of_a_category()
    {
        Assert.Equal(Expected(AggregateGenerator.IsResearchAndScholarship),
            Kept(new EntityFilter { IncludeEntityCategories = Set(FederationUris.ResearchAndScholarship) }));
    }

    [Fact]
    public void Excludes_entities_of_a_category()
    {
        Assert.Equal(Expected(i => !AggregateGenerator.IsResearchAndScholarship(i)),
            Kept(new EntityFilter { ExcludeEntityCategories = Set(FederationUris.ResearchAndScholarship) }));
    }

    [Fact]
    public void Requires_sirtfi_when_asked()
    {
        Assert.Equal(Expected(AggregateGenerator.HasSirtfi), Kept(new EntityFilter { RequireSirtfi = true }));
    }

    [Fact]
    public void Includes_and_excludes_by_entity_id()
    {
        var filter = new EntityFilter
        {
            IncludeEntityIds = Set(AggregateGenerator.EntityId(0), AggregateGenerator.EntityId(1)),
            ExcludeEntityIds = Set(AggregateGenerator.EntityId(1)),
        };

        Assert.Equal([AggregateGenerator.EntityId(0)], Kept(filter));
    }
}
