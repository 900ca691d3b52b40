using System.Text.RegularExpressions;
using AaiProxy.Saml.Attributes;
using AaiProxy.Saml.Metadata;

namespace AaiProxy.Saml.Mapping;

/// <summary>
/// Checks the scope of a scoped attribute value against an IdP's <c>shibmd:Scope</c>s (Shibboleth
/// metadata extension 2.1): the part after the single '@', or the whole value for attributes whose
/// value is a scope (<c>schacHomeOrganization</c>). Literals compare case-insensitively (DNS names);
/// regular expressions must match the whole scope (<c>\A…\z</c>: no trailing newline slips through)
/// and run with a timeout (metadata is trusted, but not to be slow).
/// </summary>
internal sealed class ScopeChecker
{
    private static readonly TimeSpan MatchTimeout = TimeSpan.FromMilliseconds(50);
    private readonly IReadOnlyList<string> _literals;
    private readonly IReadOnlyList<Regex> _patterns;

    public ScopeChecker(IReadOnlyList<ShibbolethScope> scopes)
    {
        _literals = scopes.Where(s => !s.IsRegularExpression).Select(s => s.Value).ToList();
        _patterns = scopes.Where(s => s.IsRegularExpression)
            .Select(s => new Regex($@"\A(?:{s.Value})\z", RegexOptions.CultureInvariant, MatchTimeout))
            .ToList();
    }

    /// <returns>Null when the attribute is not scoped or the value is in scope; otherwise why not.</returns>
    public string? OutOfScopeReason(SamlAttribute attribute, string value)
    {
        if (!attribute.Scoped)
        {
            return null;
        }

        var (scope, malformed) = attribute.WholeValueIsScope ? (value, null) : ScopeOf(value);
        if (scope is null)
        {
            return malformed;
        }

        return _literals.Any(literal => string.Equals(literal, scope, StringComparison.OrdinalIgnoreCase))
               || _patterns.Any(pattern => Matches(pattern, scope))
            ? null
            : $"scope '{scope}' is not among the identity provider's shibmd:Scope values";
    }

    // eduPerson 2.2.x: a scoped value is value@scope with exactly one '@'; with two, which part is the
    // scope is ambiguous (and parsers downstream disagree), so the value is not accepted.
    private static (string? Scope, string? Malformed) ScopeOf(string value)
    {
        var at = value.IndexOf('@');
        if (at <= 0 || at == value.Length - 1)
        {
            return (null, "the value has no scope");
        }

        return value.IndexOf('@', at + 1) >= 0 ? (null, "the value has more than one '@'") : (value[(at + 1)..], null);
    }

    private static bool Matches(Regex pattern, string scope)
    {
        try
        {
            return pattern.IsMatch(scope);
        }
        catch (RegexMatchTimeoutException)
        {
            return false;
        }
    }
}
