using System.Text.Json;
using System.Text.RegularExpressions;

namespace AaiProxy.Groups.Scim;

/// <summary>
/// An attribute path, RFC 7644 §3.10: <c>[schema-URN ":"] attribute ["." sub-attribute]</c>.
/// Attribute names are case-insensitive (RFC 7643 §2.1): <see cref="Attribute"/> and
/// <see cref="SubAttribute"/> are kept as written; compare them with <see cref="Is"/>.
/// </summary>
public sealed record ScimAttributePath(string? Schema, string Attribute, string? SubAttribute)
{
    /// <summary>The path without its schema, e.g. <c>emails.value</c>.</summary>
    public string Name => SubAttribute is null ? Attribute : $"{Attribute}.{SubAttribute}";

    public bool Is(string name) => string.Equals(Name, name, StringComparison.OrdinalIgnoreCase);
}

/// <summary>One <c>attrPath eq compValue</c>; <see cref="Value"/> is null for JSON <c>null</c>, else the literal's text (strings unescaped, true/false/numbers as written).</summary>
public sealed record ScimComparison(ScimAttributePath Path, string? Value);

/// <summary>A filter of equality comparisons joined by <c>and</c>: what this proxy supports of RFC 7644 §3.4.2.2.</summary>
public sealed record ScimFilter(IReadOnlyList<ScimComparison> Comparisons);

/// <summary>
/// Parses the supported subset of the RFC 7644 §3.4.2.2 filter grammar:
/// <c>attrPath SP "eq" SP compValue *(SP "and" SP attrPath SP "eq" SP compValue)</c>. Operators
/// are case-insensitive. Every other operator, <c>or</c>, <c>not</c>, grouping and value paths are
/// refused with <c>invalidFilter</c> ("the specified attribute and filter comparison combination
/// is not supported", §3.12), as is an attribute outside the endpoint's filterable set.
/// </summary>
public static partial class ScimFilterParser
{
    private static readonly string[] OtherOperators = ["ne", "co", "sw", "ew", "pr", "gt", "ge", "lt", "le"];

    public static ScimResult<ScimFilter> Parse(string filter, IReadOnlyCollection<string> filterableAttributes)
    {
        var tokens = Tokenize(filter, out var tokenError);
        if (tokenError is not null) return Invalid(tokenError);

        var comparisons = new List<ScimComparison>();
        var i = 0;
        while (true)
        {
            if (i + 3 > tokens.Count)
                return Invalid("A filter is 'attribute eq value', optionally joined by 'and'.");
            var (path, pathError) = ParsePath(tokens[i]);
            if (path is null) return Invalid(pathError!);
            if (!filterableAttributes.Any(path.Is))
                return Invalid($"Filtering on '{path.Name}' is not supported; use {string.Join(", ", filterableAttributes)}.");
            var op = tokens[i + 1];
            if (!op.Equals("eq", StringComparison.OrdinalIgnoreCase))
                return Invalid(OtherOperators.Contains(op.ToLowerInvariant())
                    ? $"The operator '{op}' is not supported; only 'eq' is."
                    : $"'{op}' is not a filter operator.");
            var (value, valueError) = ParseValue(tokens[i + 2]);
            if (valueError is not null) return Invalid(valueError);
            comparisons.Add(new ScimComparison(path, value));
            i += 3;
            if (i == tokens.Count) return new ScimFilter(comparisons);
            if (!tokens[i].Equals("and", StringComparison.OrdinalIgnoreCase))
                return Invalid(tokens[i].Equals("or", StringComparison.OrdinalIgnoreCase)
                    ? "'or' is not supported; only 'and' is."
                    : $"Expected 'and' where '{tokens[i]}' is.");
            i++;
        }
    }

    private static ScimError Invalid(string detail) => ScimError.BadRequest(ScimErrorTypes.InvalidFilter, detail);

    /// <summary>Splits at spaces outside string literals; grouping characters are refused here.</summary>
    private static List<string> Tokenize(string filter, out string? error)
    {
        error = null;
        var tokens = new List<string>();
        var i = 0;
        while (i < filter.Length)
        {
            var c = filter[i];
            if (c == ' ') { i++; continue; }
            if (c is '(' or ')' or '[' or ']')
            {
                error = "Grouping and value paths ('(', '[') are not supported.";
                return tokens;
            }
            var start = i;
            if (c == '"')
            {
                for (i++; i < filter.Length && filter[i] != '"'; i++)
                    if (filter[i] == '\\') i++;
                if (i >= filter.Length)
                {
                    error = "A string value is not closed.";
                    return tokens;
                }
                i++;
            }
            else
            {
                while (i < filter.Length && filter[i] is not (' ' or '"' or '(' or ')' or '[' or ']')) i++;
            }
            tokens.Add(filter[start..i]);
        }
        return tokens;
    }

    /// <summary>RFC 7644 §3.10 attrPath; ATTRNAME = ALPHA *(nameChar), nameChar = "-" / "_" / DIGIT / ALPHA (RFC 7643 §2.1), <c>$ref</c> allowed.</summary>
    internal static (ScimAttributePath? Path, string? Error) ParsePath(string text)
    {
        var match = AttributePath().Match(text);
        return match.Success
            ? (new ScimAttributePath(
                match.Groups["schema"].Success ? match.Groups["schema"].Value : null,
                match.Groups["attr"].Value,
                match.Groups["sub"].Success ? match.Groups["sub"].Value : null), null)
            : (null, $"'{text}' is not an attribute path.");
    }

    /// <summary>compValue = false / null / true / number / string (RFC 7159 JSON literals).</summary>
    private static (string? Value, string? Error) ParseValue(string token)
    {
        try
        {
            using var literal = JsonDocument.Parse(token);
            return literal.RootElement.ValueKind switch
            {
                JsonValueKind.String => (literal.RootElement.GetString(), null),
                JsonValueKind.Null => (null, null),
                JsonValueKind.True or JsonValueKind.False or JsonValueKind.Number => (token, null),
                _ => (null, $"'{token}' is not a comparison value."),
            };
        }
        catch (JsonException)
        {
            return (null, $"'{token}' is not a comparison value (strings are quoted).");
        }
    }

    [GeneratedRegex(@"^(?:(?<schema>urn:[A-Za-z0-9][A-Za-z0-9.:-]*):)?(?<attr>\$ref|[A-Za-z][A-Za-z0-9_-]*)(?:\.(?<sub>\$ref|[A-Za-z][A-Za-z0-9_-]*))?$")]
    private static partial Regex AttributePath();
}
