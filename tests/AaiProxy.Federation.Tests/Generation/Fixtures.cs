using System.Text;
using AaiProxy.Federation.Generation;
using AaiProxy.Federation.Reading;
using AaiProxy.Federation.Trust;

namespace AaiProxy.Federation.Tests.Generation;

/// <summary>Signed aggregates for tests, and the loader call every test makes the same way.</summary>
internal static class Fixtures
{
    /// <summary>The tests' clock: the instant the generator's defaults count from.</summary>
    public static DateTimeOffset Now => AggregateSpec.FixedInstant;

    /// <summary>One entity as a signed MDQ answer, signed by the federation signer.</summary>
    public static string SignedEntityDocument(int index, DateTimeOffset validUntil, TimeSpan cacheDuration) =>
        AggregateGenerator.SignedEntityDocument(index, validUntil, cacheDuration, TestCertificates.FederationSigner);

    private static readonly Lazy<string> BaselineLazy = new(() => SignedAggregate(new AggregateSpec()));

    /// <summary>The default 25-entity aggregate, signed per MAPS by the federation signer.</summary>
    public static string Baseline => BaselineLazy.Value;

    public static MetadataTrustAnchor Anchor { get; } = MetadataTrustAnchor.FromCertificate(TestCertificates.PublicPart(TestCertificates.FederationSigner));

    public static string SignedAggregate(AggregateSpec spec, SigningProfile? profile = null) =>
        AggregateSigner.Sign(AggregateGenerator.Generate(spec), TestCertificates.FederationSigner, profile);

    public static MetadataDocument Load(string xml, MetadataTrustAnchor? anchor = null, MetadataReadOptions? options = null,
        DateTimeOffset? now = null) =>
        SignedMetadataLoader.Load(Encoding.UTF8.GetBytes(xml), anchor ?? Anchor, options ?? MetadataReadOptions.Aggregate, now ?? Now);

    public static MetadataDocument LoadUnsigned(string xml, MetadataReadOptions? options = null, DateTimeOffset? now = null) =>
        SignedMetadataLoader.Load(Encoding.UTF8.GetBytes(xml), null, options ?? MetadataReadOptions.LocalEntity, now ?? Now);

    /// <summary>Replaces exactly one occurrence (a test's edit must land where it means to).</summary>
    public static string ReplaceOnce(string xml, string oldValue, string newValue)
    {
        var at = xml.IndexOf(oldValue, StringComparison.Ordinal);
        Assert.True(at >= 0, $"'{oldValue}' is not in the fixture");
        return string.Concat(xml.AsSpan(0, at), newValue, xml.AsSpan(at + oldValue.Length));
    }
}
