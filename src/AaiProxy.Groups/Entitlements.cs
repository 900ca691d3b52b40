using System.Text;
using System.Text.RegularExpressions;

namespace AaiProxy.Groups;

/// <summary>How the proxy writes its AARC-G069 group entitlements (configuration section <c>AaiProxy:Groups:Entitlements</c>).</summary>
public sealed partial class EntitlementOptions
{
    /// <summary>The proxy's entitlement namespace, a URN such as <c>urn:geant:pan-aai.eu</c>.</summary>
    public string Namespace { get; set; } = "";

    /// <summary>The group authority after '#', usually the proxy's host name (<c>proxy.pan-aai.eu</c>).</summary>
    public string? Authority { get; set; }

    /// <summary>
    /// Append <c>#authority</c>. AARC-G069 deprecates it; on by default because consumers of the
    /// older AARC-G002 form match the whole value.
    /// </summary>
    public bool IncludeAuthority { get; set; } = true;

    /// <summary>Start-up validation: each message names the key to set.</summary>
    public IEnumerable<string> Validate()
    {
        if (!NamespaceSyntax().IsMatch(Namespace) || Namespace.Contains(":group:", StringComparison.OrdinalIgnoreCase))
            yield return $"Groups:Entitlements:Namespace must be a URN such as 'urn:geant:example.org' (letters, digits, '.', '-', ':'), not '{Namespace}'.";
        if (IncludeAuthority && (Authority is null || !AuthoritySyntax().IsMatch(Authority)))
            yield return "Groups:Entitlements:Authority must be a host name such as 'proxy.example.org' while Groups:Entitlements:IncludeAuthority is true.";
    }

    // RFC 8141 §2: "urn:" NID ":" NSS; the namespace part must not contain ":group:" itself.
    [GeneratedRegex("^urn:[A-Za-z0-9][A-Za-z0-9-]{0,30}[A-Za-z0-9](:[A-Za-z0-9.-]+)+$", RegexOptions.IgnoreCase)]
    private static partial Regex NamespaceSyntax();

    [GeneratedRegex("^[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?$")]
    private static partial Regex AuthoritySyntax();
}

/// <summary>
/// AARC-G069 group entitlements: <c>&lt;namespace&gt;:group:&lt;group&gt;[:&lt;subgroup&gt;]*[:role=&lt;role&gt;][#&lt;authority&gt;]</c>.
/// </summary>
public static class EntitlementUrn
{
    private const string GroupMarker = ":group:";

    /// <summary>
    /// The values for one membership: <c>role=member</c> first, then one per other role held
    /// (G069 §3: "one value per role, plus role=member for the membership itself").
    /// </summary>
    public static IReadOnlyList<string> ForMembership(EntitlementOptions options, GroupPath path, RoleSet roles) =>
        [.. roles.WithMember().Select(role => Encode(options, path, role))];

    /// <summary>One value: the normalised namespace, the path's segments escaped and ':'-joined, the role, the authority.</summary>
    public static string Encode(EntitlementOptions options, GroupPath path, string role)
    {
        var value = new StringBuilder(options.Namespace.ToLowerInvariant()).Append(GroupMarker);
        value.AppendJoin(':', path.Segments.Select(EscapeSegment));
        value.Append(":role=").Append(role);
        if (options.IncludeAuthority && options.Authority is { } authority)
            value.Append('#').Append(authority.ToLowerInvariant());
        return value.ToString();
    }

    /// <summary>
    /// G069 normalisation: the <c>urn:&lt;nid&gt;:&lt;namespace&gt;</c> part lower-cased, percent
    /// escapes upper-cased, everything else (group names are case-sensitive) kept as it is.
    /// </summary>
    public static string Normalize(string entitlement)
    {
        var marker = entitlement.IndexOf(GroupMarker, StringComparison.OrdinalIgnoreCase);
        if (marker < 0)
            throw new FormatException($"'{entitlement}' is not a group entitlement (no ':group:').");
        return entitlement[..marker].ToLowerInvariant() + GroupMarker + UpperCaseEscapes(entitlement[(marker + GroupMarker.Length)..]);
    }

    /// <summary>
    /// Percent-encodes, as upper-case UTF-8 escapes, every character a segment may not hold as
    /// itself. Kept: what RFC 8141 §2 allows in an NSS (unreserved, sub-delims except '=', '@',
    /// '/') and an existing <c>%xx</c> escape (G069: "keep %xx escapes as they are"; its hex is
    /// upper-cased). Escaped: ':' (it separates segments), '=' (so that no segment reads as
    /// <c>role=…</c>), '#' (authority), '?' (RFC 8141 r-/q-components), a '%' that starts no
    /// escape, space, other ASCII outside the set, and every non-ASCII character.
    /// </summary>
    public static string EscapeSegment(string segment)
    {
        var escaped = new StringBuilder(segment.Length);
        for (var i = 0; i < segment.Length; i++)
        {
            var c = segment[i];
            if (c == '%' && IsEscape(segment, i))
            {
                escaped.Append('%').Append(char.ToUpperInvariant(segment[i + 1])).Append(char.ToUpperInvariant(segment[i + 2]));
                i += 2;
            }
            else if (IsKept(c))
            {
                escaped.Append(c);
            }
            else
            {
                var length = char.IsHighSurrogate(c) && i + 1 < segment.Length ? 2 : 1;
                foreach (var b in Encoding.UTF8.GetBytes(segment.Substring(i, length)))
                    escaped.Append('%').Append(b.ToString("X2", System.Globalization.CultureInfo.InvariantCulture));
                i += length - 1;
            }
        }
        return escaped.ToString();
    }

    private static bool IsKept(char c) =>
        c is >= 'A' and <= 'Z' or >= 'a' and <= 'z' or >= '0' and <= '9'
            or '-' or '.' or '_' or '~' // unreserved
            or '!' or '$' or '&' or '\'' or '(' or ')' or '*' or '+' or ',' or ';' // sub-delims but '='
            or '@' or '/';

    private static bool IsEscape(string text, int percent) =>
        percent + 2 < text.Length && char.IsAsciiHexDigit(text[percent + 1]) && char.IsAsciiHexDigit(text[percent + 2]);

    private static string UpperCaseEscapes(string text)
    {
        var chars = text.ToCharArray();
        for (var i = 0; i < chars.Length; i++)
        {
            if (chars[i] != '%' || !IsEscape(text, i)) continue;
            chars[i + 1] = char.ToUpperInvariant(chars[i + 1]);
            chars[i + 2] = char.ToUpperInvariant(chars[i + 2]);
            i += 2;
        }
        return new string(chars);
    }
}
