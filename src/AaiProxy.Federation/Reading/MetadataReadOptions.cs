using AaiProxy.Saml.Xml;

namespace AaiProxy.Federation.Reading;

/// <summary>How strictly a metadata document is read.</summary>
/// <param name="Limits">Size and depth bounds enforced while reading.</param>
/// <param name="RequireValidUntil">Refuse a document whose element has no <c>validUntil</c> (eduGAIN MAPS requires one).</param>
public sealed record MetadataReadOptions(SafeXmlLimits Limits, bool RequireValidUntil)
{
    /// <summary>An aggregate as large as eduGAIN's (tens of MB) with room to grow; nesting beyond 32 is never legitimate.</summary>
    public static SafeXmlLimits AggregateLimits { get; } = new(MaxCharacters: 512L * 1024 * 1024, MaxDepth: 32);

    public static MetadataReadOptions Aggregate { get; } = new(AggregateLimits, RequireValidUntil: true);

    public static MetadataReadOptions LocalEntity { get; } = new(SafeXmlLimits.EntityMetadata, RequireValidUntil: false);

    /// <summary>One entity per MDQ answer: the single-entity limits; validUntil required.</summary>
    public static MetadataReadOptions MdqAnswer { get; } = new(SafeXmlLimits.EntityMetadata, RequireValidUntil: true);
}
