using System.Text.RegularExpressions;
using AaiProxy.Saml.Metadata;

namespace AaiProxy.Saml.Mapping;

/// <summary>
/// Checks the scope (the part after the last '@') of a scoped value against an IdP's
/// <c>shibmd:Scope</c>s: literals compare case-insensitively (DNS names), regular expressions must
/// match the whole scope and run with a timeout (metadata is trusted, but not to be slow).
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
            .Select(s => new Regex($"^(?:{s.Value})$", RegexOptions.CultureInvariant, MatchTimeout))
            .ToList();
    }

    /// <returns>Null when the value is in scope; otherwise why not.</returns>
    public string? OutOfScopeReason(string value)
    {
        var at = value.LastIndexOf('@');
        if (at <= 0 || at == value.Length - 1)
        {
            return "the value has no scope";
        }

        var scope = value[(at + 1)..];
        if (_literals.Any(literal => string.Equals(literal, scope, StringComparison.OrdinalIgnoreCase))
            || _patterns.Any(pattern => Matches(pattern, scope)))
        {
            return null;
        }

        return $"scope '{scope}' is not among the identity provider's shibmd:Scope values";
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
