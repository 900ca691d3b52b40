using AaiProxy.Federation.Generation;
using AaiProxy.Federation.Reading;
using AaiProxy.Federation.Tests.Generation;
using AaiProxy.Federation.Trust;

namespace AaiProxy.Federation.Tests.Reading;

public sealed class AggregateReaderTests
{
    [Fact]
    public void Reads_every_identity_provider_of_a_signed_aggregate_in_document_order()
    {
        var document = Fixtures.Load(Fixtures.Baseline);

        var expected = Enumerable.Range(0, 25).Where(AggregateGenerator.IsIdentityProvider).Select(AggregateGenerator.EntityId);
        Assert.Equal(expected, document.IdentityProviders.Select(e => e.EntityId));
        Assert.Equal(25 - expected.Count(), document.OtherEntities);
        Assert.Empty(document.Skipped);
        Assert.Equal(Fixtures.Now.AddDays(14), document.ValidUntil);
        Assert.Equal(TimeSpan.FromHours(6), document.CacheDuration);
    }

    [Fact]
    public void Rejects_an_aggregate_whose_valid_until_has_passed()
    {
        var error = Assert.Throws<MetadataRejectedException>(() => Fixtures.Load(Fixtures.Baseline, now: Fixtures.Now.AddDays(15)));

        Assert.Equal(MetadataRejection.Expired, error.Reason);
    }

    [Fact]
    public void Rejects_an_aggregate_without_valid_until_when_the_source_requires_one()
    {
        var xml = Fixtures.SignedAggregate(new AggregateSpec { ValidUntil = null });

        var error = Assert.Throws<MetadataRejectedException>(() => Fixtures.Load(xml));

        Assert.Equal(MetadataRejection.ValidUntilMissing, error.Reason);
    }

    [Fact]
    public void Accepts_an_aggregate_without_valid_until_when_the_source_does_not_require_one()
    {
        var xml = Fixtures.SignedAggregate(new AggregateSpec { ValidUntil = null });

        var document = Fixtures.Load(xml, options: MetadataReadOptions.Aggregate with { RequireValidUntil = false });

        Assert.Equal(15, document.IdentityProviders.Count);
    }

    [Fact]
    public void Rejects_a_document_with_a_dtd()
    {
        var xml = "<!DOCTYPE x [<!ENTITY a \"aaaa\">]>" + AggregateGenerator.EntityDocument(0);

        var error = Assert.Throws<MetadataRejectedException>(() => Fixtures.LoadUnsigned(xml));

        Assert.Equal(MetadataRejection.Malformed, error.Reason);
    }

    [Fact]
    public void Decodes_a_document_in_the_encoding_it_declares()
    {
        var xml = "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>" + AggregateGenerator.EntityDocument(27);
        var latin1 = System.Text.Encoding.Latin1.GetBytes(xml);

        var document = SignedMetadataLoader.Load(latin1, null, MetadataReadOptions.LocalEntity, Fixtures.Now);

        Assert.Equal("Universität Göttingen", Assert.Single(document.IdentityProviders).DisplayName("de"));
    }

    [Fact]
    public void Rejects_a_document_that_is_not_metadata()
    {
        var error = Assert.Throws<MetadataRejectedException>(() => Fixtures.LoadUnsigned("<html><body/></html>"));

        Assert.Equal(MetadataRejection.NotMetadata, error.Reason);
    }

    [Fact]
    public void Rejects_a_document_larger_than_the_limit_while_reading()
    {
        var options = MetadataReadOptions.Aggregate with { Limits = new Saml.Xml.SafeXmlLimits(10_000, 32) };

        var error = Assert.Throws<MetadataRejectedException>(() => Fixtures.Load(Fixtures.Baseline, options: options));

        Assert.Equal(MetadataRejection.TooLarge, error.Reason);
    }

    [Fact]
    public void Reads_entities_inside_nested_entities_descriptors()
    {
        var xml = $"""
            <md:EntitiesDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" validUntil="2026-07-01T00:00:00Z">
              <md:EntitiesDescriptor Name="inner">{AggregateGenerator.EntityDocument(0)}</md:EntitiesDescriptor>
              {AggregateGenerator.EntityDocument(1)}
            </md:EntitiesDescriptor>
            """;

        var document = Fixtures.LoadUnsigned(xml);

        Assert.Equal([AggregateGenerator.EntityId(0), AggregateGenerator.EntityId(1)], document.IdentityProviders.Select(e => e.EntityId));
    }

    [Fact]
    public void Leaves_out_a_nested_group_past_its_valid_until_and_reports_it()
    {
        var xml = $"""
            <md:EntitiesDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" validUntil="2026-07-01T00:00:00Z">
              <md:EntitiesDescriptor Name="stale" validUntil="2026-05-01T00:00:00Z">{AggregateGenerator.EntityDocument(0)}</md:EntitiesDescriptor>
              {AggregateGenerator.EntityDocument(1)}
            </md:EntitiesDescriptor>
            """;

        var document = Fixtures.LoadUnsigned(xml);

        Assert.Equal([AggregateGenerator.EntityId(1)], document.IdentityProviders.Select(e => e.EntityId));
        Assert.StartsWith("EntitiesDescriptor 'stale' expired", Assert.Single(document.Skipped).Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Uses_the_first_description_of_an_entity_described_twice_and_reports_the_second()
    {
        var xml = $"""
            <md:EntitiesDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata">
              {AggregateGenerator.EntityDocument(0)}{AggregateGenerator.EntityDocument(0)}
            </md:EntitiesDescriptor>
            """;

        var document = Fixtures.LoadUnsigned(xml);

        Assert.Single(document.IdentityProviders);
        Assert.Equal(AggregateGenerator.EntityId(0), Assert.Single(document.Skipped).EntityId);
    }
}
