namespace AaiProxy.Server.Upstream;

/// <summary>A display name in one language (<c>mdui:DisplayName</c>).</summary>
public sealed record ChoiceName(string Language, string Value);

/// <summary>One way to sign in upstream, as the login page lists it.</summary>
/// <param name="Scheme">The upstream authentication scheme that handles it (e.g. <c>saml</c>).</param>
/// <param name="Provider">The provider within the scheme (a SAML IdP's entity ID, later an OIDC issuer).</param>
/// <param name="DisplayName">What people see when none of <see cref="Names"/> is in their language.</param>
public sealed record UpstreamChoice(string Scheme, string Provider, string DisplayName)
{
    private string? _searchText;

    /// <summary>Domains the provider vouches for (a SAML IdP's <c>shibmd:Scope</c>s and DomainHints), so that a person
    /// finds it by their e-mail address.</summary>
    public IReadOnlyList<string> Domains { get; init; } = [];

    /// <summary>The provider's names per language (a SAML IdP's <c>mdui:DisplayName</c>s).</summary>
    public IReadOnlyList<ChoiceName> Names { get; init; } = [];

    /// <summary>Search words besides the names (<c>mdui:Keywords</c>).</summary>
    public IReadOnlyList<string> Keywords { get; init; } = [];

    /// <summary>The provider's logo (https or <c>data:</c> URL, from its metadata); served only through the proxy's
    /// logo cache, never linked.</summary>
    public string? Logo { get; init; }

    /// <summary>The provider asked not to be listed (REFEDS hide-from-discovery): it can still be named by a hint.</summary>
    public bool HiddenFromDiscovery { get; init; }

    /// <summary>The name in the first of the person's languages the provider has one in; else <see cref="DisplayName"/>.</summary>
    public string DisplayNameIn(IReadOnlyList<string> languages)
    {
        foreach (var language in languages)
        {
            foreach (var name in Names)
            {
                if (string.Equals(name.Language, language, StringComparison.OrdinalIgnoreCase))
                {
                    return name.Value;
                }
            }
        }

        return DisplayName;
    }

    /// <summary>Every name, keyword and the provider id, lower-cased once (choices are cached per metadata set).</summary>
    internal string SearchText => _searchText ??= string.Join('\n',
        Names.Select(name => name.Value).Prepend(DisplayName).Concat(Keywords).Append(Provider)).ToLowerInvariant();
}

/// <summary>Each upstream protocol lists its providers here; the login page and the authorization endpoint
/// see all of them through <see cref="UpstreamChoices"/>, whatever the protocol.</summary>
public interface IUpstreamChoiceSource
{
    ValueTask<IReadOnlyList<UpstreamChoice>> ListAsync(CancellationToken cancellationToken);

    /// <returns>The choice for a provider of this source, or null when it has none by that id.</returns>
    ValueTask<UpstreamChoice?> FindAsync(string provider, CancellationToken cancellationToken);
}

/// <summary>Every upstream choice of every protocol.</summary>
public sealed class UpstreamChoices(IEnumerable<IUpstreamChoiceSource> sources)
{
    private const int DomainMatch = 4;
    private const int WordStart = 3;
    private const int Inside = 1;

    private readonly IUpstreamChoiceSource[] _sources = [.. sources];

    public async ValueTask<IReadOnlyList<UpstreamChoice>> ListAsync(CancellationToken cancellationToken)
    {
        var all = new List<UpstreamChoice>();
        foreach (var source in _sources)
        {
            all.AddRange(await source.ListAsync(cancellationToken));
        }

        return all;
    }

    /// <summary>
    /// The listed choices a person's words point to, best first. Every word must match: at the start of a word of a
    /// name (any language), a keyword or the provider id ranks above inside a word; an e-mail address or domain
    /// matches a provider that vouches for it or for a domain above it. Hidden-from-discovery choices are never found.
    /// A linear scan over text lower-cased once: 6,000 choices take about a millisecond.
    /// </summary>
    public static IReadOnlyList<UpstreamChoice> Search(IReadOnlyList<UpstreamChoice> choices, string query, IReadOnlyList<string> languages, int limit)
    {
        var terms = query.ToLowerInvariant().Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        if (terms.Length == 0)
        {
            return [];
        }

        var scored = new List<(int Score, string Name, UpstreamChoice Choice)>();
        foreach (var choice in choices)
        {
            if (!choice.HiddenFromDiscovery && Score(choice, terms) is > 0 and var score)
            {
                scored.Add((score, choice.DisplayNameIn(languages), choice));
            }
        }

        return [.. scored
            .OrderByDescending(match => match.Score)
            .ThenBy(match => match.Name, StringComparer.OrdinalIgnoreCase)
            .Take(limit)
            .Select(match => match.Choice)];
    }

    private static int Score(UpstreamChoice choice, string[] terms)
    {
        var total = 0;
        foreach (var term in terms)
        {
            var score = Math.Max(TextScore(choice.SearchText, term), DomainScore(choice.Domains, term));
            if (score == 0)
            {
                return 0;
            }

            total += score;
        }

        return total;
    }

    private static int TextScore(string text, string term)
    {
        var best = 0;
        for (var at = text.IndexOf(term, StringComparison.Ordinal); at >= 0; at = text.IndexOf(term, at + 1, StringComparison.Ordinal))
        {
            if (at == 0 || !char.IsLetterOrDigit(text[at - 1]))
            {
                return WordStart;
            }

            best = Inside;
        }

        return best;
    }

    // "alice@cs.uni.example" or "cs.uni.example" matches the domain uni.example.
    private static int DomainScore(IReadOnlyList<string> domains, string term)
    {
        var domain = term[(term.LastIndexOf('@') + 1)..];
        if (domain.Length == 0)
        {
            return 0;
        }

        foreach (var known in domains)
        {
            if (domain.Equals(known, StringComparison.OrdinalIgnoreCase) || domain.EndsWith("." + known, StringComparison.OrdinalIgnoreCase))
            {
                return DomainMatch;
            }
        }

        return 0;
    }

    /// <summary>The choice for a provider id (an IdP hint, a choice posted from the login page), or null.</summary>
    public async ValueTask<UpstreamChoice?> FindAsync(string? provider, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(provider))
        {
            return null;
        }

        foreach (var source in _sources)
        {
            if (await source.FindAsync(provider, cancellationToken) is { } choice)
            {
                return choice;
            }
        }

        return null;
    }
}
