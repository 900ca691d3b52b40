using System.Globalization;
using System.Text;

namespace AaiProxy.Identity;

/// <summary>
/// Chooses the <c>preferred_username</c> of a new account from its upstream attributes: short,
/// lowercase, usable as a Unix account name (<c>[a-z_][a-z0-9_-]*</c>, at most <see cref="MaxLength"/>).
/// It is chosen once; collisions get a numeric suffix (<see cref="WithSuffix"/>), tried by the store
/// under a unique index.
/// </summary>
public static class PreferredUsernames
{
    public const int MaxLength = 32;
    public const string Fallback = "user";

    /// <summary>
    /// The base name: the eduPersonPrincipalName local part, else given + family name, else the name,
    /// else the email local part, else <see cref="Fallback"/>; transliterated to ASCII and stripped.
    /// </summary>
    public static string BaseName(UpstreamIdentity upstream)
    {
        string?[] candidates =
        [
            LocalPart(upstream.FirstValue(InternalAttributes.EduPersonPrincipalName)),
            Join(upstream.FirstValue(InternalAttributes.GivenName), upstream.FirstValue(InternalAttributes.FamilyName)),
            upstream.FirstValue(InternalAttributes.Name),
            LocalPart(upstream.FirstValue(InternalAttributes.Email)),
        ];
        return candidates.Select(Sanitize).FirstOrDefault(name => name.Length > 0) ?? Fallback;
    }

    /// <summary>The n-th alternative (n ≥ 2) of a taken name: <c>alice2</c>, the base cut so the result fits.</summary>
    public static string WithSuffix(string baseName, int n)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(n, 2);
        var suffix = n.ToString(CultureInfo.InvariantCulture);
        return baseName[..Math.Min(baseName.Length, MaxLength - suffix.Length)] + suffix;
    }

    /// <summary>Lowercase ASCII letters, digits, <c>_</c> and <c>-</c>: Latin letters lose their diacritics
    /// (<c>é</c> → <c>e</c>, <c>ß</c> → <c>ss</c>), spaces, dots and plus signs become one <c>-</c>, anything
    /// else is dropped; a leading digit gets a <c>_</c> prefix; cut to <see cref="MaxLength"/>.</summary>
    public static string Sanitize(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return "";
        }

        var name = new StringBuilder();
        foreach (var character in Transliterate(text))
        {
            if (character is >= 'a' and <= 'z' or >= '0' and <= '9' or '_' or '-')
            {
                name.Append(character);
            }
            else if (character is ' ' or '.' or '+' && name.Length > 0 && name[^1] != '-')
            {
                name.Append('-');
            }
        }

        var result = name.ToString().Trim('-');
        if (result.Length > 0 && result[0] is >= '0' and <= '9' or '-')
        {
            result = "_" + result;
        }

        return result.Length > MaxLength ? result[..MaxLength].TrimEnd('-') : result;
    }

    /// <summary>True for a name this class could have produced.</summary>
    public static bool IsValid(string name) =>
        name.Length is > 0 and <= MaxLength && name[0] is >= 'a' and <= 'z' or '_' &&
        name.All(character => character is >= 'a' and <= 'z' or >= '0' and <= '9' or '_' or '-');

    // Latin letters with diacritics and ligatures, by their ASCII spelling. (Unicode decomposition is not
    // available: the proxy runs with invariant globalization.) Other scripts are dropped.
    private static readonly Dictionary<char, string> Ascii = new (string Letters, string Spelling)[]
    {
        ("àáâãäåāăą", "a"), ("çćĉċč", "c"), ("ďđð", "d"), ("èéêëēĕėęě", "e"), ("ĝğġģ", "g"), ("ĥħ", "h"),
        ("ìíîïĩīĭįı", "i"), ("ĵ", "j"), ("ķ", "k"), ("ĺļľŀł", "l"), ("ñńņňŉ", "n"), ("òóôõöøōŏő", "o"),
        ("ŕŗř", "r"), ("śŝşšș", "s"), ("ţťŧț", "t"), ("ùúûüũūŭůűų", "u"), ("ŵ", "w"), ("ýÿŷ", "y"), ("źżž", "z"),
        ("ß", "ss"), ("æ", "ae"), ("œ", "oe"), ("þ", "th"),
    }.SelectMany(group => group.Letters.Select(letter => (letter, group.Spelling))).ToDictionary(pair => pair.letter, pair => pair.Spelling);

    private static string Transliterate(string text) =>
        string.Concat(text.ToLowerInvariant().Select(character => Ascii.TryGetValue(character, out var spelling) ? spelling : character.ToString()));

    private static string? LocalPart(string? address) =>
        address is not null && address.IndexOf('@') is > 0 and var at ? address[..at] : null;

    private static string? Join(string? given, string? family) =>
        given is null && family is null ? null : $"{given} {family}".Trim();
}
