namespace AaiProxy.Federation.Model;

/// <summary>A text in one language (<c>xml:lang</c>; empty when the element has none).</summary>
public sealed record LocalizedText(string Language, string Value);

/// <summary>An <c>mdui:Logo</c> (MDUI 2.1.6): a URL (https or data:) with its declared size in pixels.</summary>
public sealed record MetadataLogo(string Url, int Width, int Height, string? Language);

/// <summary><c>mdui:UIInfo</c> (MDUI 2.1): what a person sees about an IdP, per language.</summary>
public sealed record UserInterfaceInfo(
    IReadOnlyList<LocalizedText> DisplayNames,
    IReadOnlyList<LocalizedText> Descriptions,
    IReadOnlyList<LocalizedText> Keywords,
    IReadOnlyList<MetadataLogo> Logos,
    IReadOnlyList<LocalizedText> InformationUrls,
    IReadOnlyList<LocalizedText> PrivacyStatementUrls)
{
    public static UserInterfaceInfo Empty { get; } = new([], [], [], [], [], []);
}

/// <summary><c>mdui:DiscoHints</c> (MDUI 2.2): IPHint (CIDR blocks), DomainHint (DNS domains),
/// GeolocationHint (geo: URIs).</summary>
public sealed record DiscoveryHints(
    IReadOnlyList<string> DomainHints,
    IReadOnlyList<string> IpHints,
    IReadOnlyList<string> GeolocationHints)
{
    public static DiscoveryHints Empty { get; } = new([], [], []);
}

/// <summary>A protocol endpoint (Metadata 2.2.2): binding URI and absolute http(s) location.</summary>
public sealed record MetadataEndpoint(string Binding, Uri Location);
