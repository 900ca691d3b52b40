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

    /// <summary>Lowercase ASCII letters, digits, <c>_</c> and <c>-</c>: letters lose their diacritics
    /// (<c>é</c> → <c>e</c>, <c>ß</c> → <c>ss</c>), spaces, dots and plus signs become one <c>-</c>, anything
    /// else is dropped; a leading digit gets a <c>_</c> prefix; cut to <see cref="MaxLength"/>.</summary>
    public static string Sanitize(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return "";
        }

        var name = new StringBuilder();
        foreach (var character in Transliterate(text).Normalize(NormalizationForm.FormD).ToLowerInvariant())
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

    // Letters that Unicode decomposition does not reduce to ASCII.
    private static string Transliterate(string text) => text
        .Replace("ß", "ss", StringComparison.Ordinal).Replace("æ", "ae", StringComparison.Ordinal).Replace("Æ", "Ae", StringComparison.Ordinal)
        .Replace("ø", "o", StringComparison.Ordinal).Replace("Ø", "O", StringComparison.Ordinal).Replace("ł", "l", StringComparison.Ordinal)
        .Replace("Ł", "L", StringComparison.Ordinal).Replace("đ", "d", StringComparison.Ordinal).Replace("Đ", "D", StringComparison.Ordinal)
        .Replace("þ", "th", StringComparison.Ordinal).Replace("œ", "oe", StringComparison.Ordinal).Replace("ı", "i", StringComparison.Ordinal);

    private static string? LocalPart(string? address) =>
        address is not null && address.IndexOf('@') is > 0 and var at ? address[..at] : null;

    private static string? Join(string? given, string? family) =>
        given is null && family is null ? null : $"{given} {family}".Trim();
}
