using System.Globalization;
using System.Text.RegularExpressions;

namespace AaiProxy.Server.Configuration;

/// <summary>How the pages people see look: section <c>AaiProxy:Branding</c>. Every page (login, discovery,
/// registration, account, admin, errors) shares one layout that takes these.</summary>
public sealed class BrandingOptions
{
    /// <summary>Shown in the header and in every page title.</summary>
    public string ProductName { get; set; } = "AaiProxy";

    /// <summary>A PNG, SVG or JPEG file served by the proxy at <c>/assets/logo</c> (never hot-linked); unset: the name alone.</summary>
    public string? LogoFile { get; set; }

    /// <summary>Links, buttons and the header rule. Must reach 4.5:1 contrast against white (WCAG 2.1 AA).</summary>
    public string PrimaryColor { get; set; } = "#1f5fa8";

    /// <summary>The header's background; its text (<see cref="HeaderTextColor"/>) must reach 4.5:1 against it.</summary>
    public string HeaderColor { get; set; } = "#0b2d52";

    public string HeaderTextColor { get; set; } = "#ffffff";

    /// <summary>The language of the pages' own texts (<c>lang</c> attribute).</summary>
    public string Language { get; set; } = "en";

    /// <summary>A line in every page's footer, e.g. the operator's name.</summary>
    public string? FooterText { get; set; }

    /// <summary>Footer links such as privacy notice, terms of use, help desk.</summary>
    public List<BrandingLink> Links { get; set; } = [];

    /// <summary>Texts pages look up by key (for example <c>LoginIntro</c>), replacing their built-in wording.</summary>
    public Dictionary<string, string> Texts { get; set; } = new(StringComparer.Ordinal);

    /// <summary>The operator's text for <paramref name="key"/>, or <paramref name="fallback"/>.</summary>
    public string Text(string key, string fallback) => Texts.TryGetValue(key, out var text) && !string.IsNullOrWhiteSpace(text) ? text : fallback;
}

public sealed class BrandingLink
{
    public string Text { get; set; } = "";

    public Uri? Url { get; set; }
}

internal static partial class BrandingOptionsValidation
{
    public const double MinimumContrast = 4.5;

    public static readonly IReadOnlyDictionary<string, string> LogoContentTypes = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
    {
        [".png"] = "image/png",
        [".svg"] = "image/svg+xml",
        [".jpg"] = "image/jpeg",
        [".jpeg"] = "image/jpeg",
    };

    public static IEnumerable<string> Validate(BrandingOptions branding)
    {
        if (string.IsNullOrWhiteSpace(branding.ProductName))
        {
            yield return "AaiProxy:Branding:ProductName must not be empty.";
        }

        foreach (var (key, value) in new[] { ("PrimaryColor", branding.PrimaryColor), ("HeaderColor", branding.HeaderColor), ("HeaderTextColor", branding.HeaderTextColor) })
        {
            if (!HexColor().IsMatch(value))
            {
                yield return $"AaiProxy:Branding:{key} '{value}' is not a colour of the form #rrggbb.";
                yield break;
            }
        }

        var primary = ContrastRatio(branding.PrimaryColor, "#ffffff");
        if (primary < MinimumContrast)
        {
            yield return $"AaiProxy:Branding:PrimaryColor {branding.PrimaryColor} has a contrast of {primary.ToString("0.0", CultureInfo.InvariantCulture)}:1 against white; links and buttons need {MinimumContrast}:1 (WCAG 2.1 AA). Choose a darker colour.";
        }

        var header = ContrastRatio(branding.HeaderTextColor, branding.HeaderColor);
        if (header < MinimumContrast)
        {
            yield return $"AaiProxy:Branding:HeaderTextColor {branding.HeaderTextColor} on HeaderColor {branding.HeaderColor} has a contrast of {header.ToString("0.0", CultureInfo.InvariantCulture)}:1; the header needs {MinimumContrast}:1 (WCAG 2.1 AA).";
        }

        if (branding.LogoFile is { } logo)
        {
            if (!LogoContentTypes.ContainsKey(Path.GetExtension(logo)))
            {
                yield return $"AaiProxy:Branding:LogoFile '{logo}' must be a .png, .svg, .jpg or .jpeg file.";
            }
            else if (!File.Exists(logo))
            {
                yield return $"AaiProxy:Branding:LogoFile '{logo}' does not exist.";
            }
        }

        if (!LanguageTag().IsMatch(branding.Language))
        {
            yield return $"AaiProxy:Branding:Language '{branding.Language}' is not a language tag such as en or de-CH.";
        }

        for (var index = 0; index < branding.Links.Count; index++)
        {
            var link = branding.Links[index];
            if (string.IsNullOrWhiteSpace(link.Text) || link.Url is not { IsAbsoluteUri: true } url || url.Scheme is not ("https" or "http" or "mailto"))
            {
                yield return $"AaiProxy:Branding:Links:{index} needs a Text and an absolute https, http or mailto Url.";
            }
        }
    }

    /// <summary>WCAG 2.1 contrast ratio of two #rrggbb colours.</summary>
    public static double ContrastRatio(string first, string second)
    {
        var (a, b) = (RelativeLuminance(first), RelativeLuminance(second));
        return (Math.Max(a, b) + 0.05) / (Math.Min(a, b) + 0.05);
    }

    private static double RelativeLuminance(string color)
    {
        double Channel(int offset)
        {
            var value = int.Parse(color.AsSpan(offset, 2), NumberStyles.HexNumber, CultureInfo.InvariantCulture) / 255.0;
            return value <= 0.03928 ? value / 12.92 : Math.Pow((value + 0.055) / 1.055, 2.4);
        }

        return 0.2126 * Channel(1) + 0.7152 * Channel(3) + 0.0722 * Channel(5);
    }

    [GeneratedRegex("^#[0-9a-fA-F]{6}$")]
    private static partial Regex HexColor();

    [GeneratedRegex("^[a-zA-Z]{2,3}(-[a-zA-Z0-9]{2,8})*$")]
    private static partial Regex LanguageTag();
}
