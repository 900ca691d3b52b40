using AaiProxy.Federation.Model;
using AaiProxy.Saml.Metadata;

namespace AaiProxy.Federation.Discovery;

/// <summary>One search result: what a discovery page shows for an identity provider.</summary>
public sealed record FederationSearchHit(FederationEntity Entity, string DisplayName, IReadOnlyList<string> Domains, MetadataLogo? Logo);

/// <summary>
/// An immutable set of identity providers: lookup by entity ID and a type-ahead search. Built whole
/// beside the set in use and then swapped in, so a reader sees either the old or the new set.
/// Hidden-from-discovery IdPs are resolvable by ID but never searchable.
/// </summary>
public sealed class FederationIndex
{
    public static FederationIndex Empty { get; } = new([]);

    private readonly Dictionary<string, (FederationEntity Entity, IdentityProviderMetadata Metadata)> _byEntityId;
    private readonly SearchEntry[] _searchable;

    /// <param name="entities">In priority order: of two with the same entity ID the first is kept.</param>
    public FederationIndex(IEnumerable<FederationEntity> entities)
    {
        ArgumentNullException.ThrowIfNull(entities);
        _byEntityId = new Dictionary<string, (FederationEntity, IdentityProviderMetadata)>(StringComparer.Ordinal);
        var searchable = new List<SearchEntry>();
        var metadata = new List<IdentityProviderMetadata>();
        foreach (var entity in entities)
        {
            var idp = entity.ToIdentityProviderMetadata();
            if (!_byEntityId.TryAdd(entity.EntityId, (entity, idp)))
            {
                continue;
            }

            metadata.Add(idp);
            if (!entity.IsHiddenFromDiscovery)
            {
                searchable.Add(new SearchEntry(entity));
            }
        }

        _searchable = [.. searchable];
        IdentityProviders = metadata;
    }

    public int Count => _byEntityId.Count;

    /// <summary>Every IdP in the SAML service provider's view, hidden ones included.</summary>
    public IReadOnlyList<IdentityProviderMetadata> IdentityProviders { get; }

    public FederationEntity? Find(string entityId) =>
        _byEntityId.TryGetValue(entityId, out var found) ? found.Entity : null;

    public IdentityProviderMetadata? FindMetadata(string entityId) =>
        _byEntityId.TryGetValue(entityId, out var found) ? found.Metadata : null;

    /// <summary>
    /// Type-ahead over display names (all languages), keywords, entity IDs, scopes and DomainHints.
    /// Every word of the query must match; a match at the start of a word ranks above one inside a
    /// word, and an e-mail address (or domain) matches an IdP whose domain it is or is under.
    /// </summary>
    /// <param name="language">The person's language, for the name shown.</param>
    public IReadOnlyList<FederationSearchHit> Search(string query, string? language, int limit)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        var terms = query.ToLowerInvariant().Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        if (terms.Length == 0)
        {
            return [];
        }

        var scored = new List<(int Score, string Name, SearchEntry Entry)>();
        foreach (var entry in _searchable)
        {
            var score = entry.Score(terms);
            if (score > 0)
            {
                scored.Add((score, entry.Entity.DisplayName(language) ?? entry.Entity.EntityId, entry));
            }
        }

        return scored
            .OrderByDescending(s => s.Score)
            .ThenBy(s => s.Name, StringComparer.OrdinalIgnoreCase)
            .Take(limit)
            .Select(s => new FederationSearchHit(s.Entry.Entity, s.Name, s.Entry.Domains, Logo(s.Entry.Entity, language)))
            .ToList();
    }

    private static MetadataLogo? Logo(FederationEntity entity, string? language)
    {
        var logos = entity.UserInterface.Logos;
        return logos.FirstOrDefault(l => language is not null && string.Equals(l.Language, language, StringComparison.OrdinalIgnoreCase))
               ?? logos.FirstOrDefault(l => l.Language is null) ?? logos.FirstOrDefault();
    }

    /// <summary>An IdP's searchable text, lower-cased once when the index is built.</summary>
    private sealed class SearchEntry
    {
        private const int WordStart = 3;
        private const int Inside = 1;
        private const int Domain = 4;

        private readonly string _text;
        private readonly string[] _domains;

        public SearchEntry(FederationEntity entity)
        {
            Entity = entity;
            var ui = entity.UserInterface;
            _text = string.Join('\n', ui.DisplayNames.Select(t => t.Value)
                .Concat(ui.Keywords.Select(t => t.Value.Replace('+', ' ')))
                .Append(entity.EntityId)).ToLowerInvariant();
            _domains = entity.Scopes.Where(s => !s.IsRegularExpression).Select(s => s.Value)
                .Concat(entity.DiscoveryHints.DomainHints)
                .Select(d => d.ToLowerInvariant())
                .Distinct(StringComparer.Ordinal)
                .ToArray();
        }

        public FederationEntity Entity { get; }

        public IReadOnlyList<string> Domains => _domains;

        public int Score(string[] terms)
        {
            var total = 0;
            foreach (var term in terms)
            {
                var score = Math.Max(TextScore(term), DomainScore(term));
                if (score == 0)
                {
                    return 0;
                }

                total += score;
            }

            return total;
        }

        private int TextScore(string term)
        {
            var best = 0;
            for (var at = _text.IndexOf(term, StringComparison.Ordinal); at >= 0; at = _text.IndexOf(term, at + 1, StringComparison.Ordinal))
            {
                if (at == 0 || !char.IsLetterOrDigit(_text[at - 1]))
                {
                    return WordStart;
                }

                best = Inside;
            }

            return best;
        }

        // "alice@cs.uni.example" or "cs.uni.example" matches the domain uni.example; "uni.ex" is a prefix of it.
        private int DomainScore(string term)
        {
            var domain = term[(term.LastIndexOf('@') + 1)..];
            if (domain.Length == 0)
            {
                return 0;
            }

            foreach (var known in _domains)
            {
                if (domain == known || domain.EndsWith("." + known, StringComparison.Ordinal)
                    || (!term.Contains('@') && known.StartsWith(domain, StringComparison.Ordinal)))
                {
                    return Domain;
                }
            }

            return 0;
        }
    }
}
