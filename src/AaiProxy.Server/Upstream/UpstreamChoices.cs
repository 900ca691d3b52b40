namespace AaiProxy.Server.Upstream;

/// <summary>One way to sign in upstream, as the login page lists it.</summary>
/// <param name="Scheme">The upstream authentication scheme that handles it (e.g. <c>saml</c>).</param>
/// <param name="Provider">The provider within the scheme (a SAML IdP's entity ID, later an OIDC issuer).</param>
/// <param name="DisplayName">What people see.</param>
public sealed record UpstreamChoice(string Scheme, string Provider, string DisplayName)
{
    /// <summary>Domains the provider vouches for (a SAML IdP's <c>shibmd:Scope</c>s), so that a person finds it
    /// by their e-mail address.</summary>
    public IReadOnlyList<string> Domains { get; init; } = [];
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
    /// The choices a person's words point to, best first: by part of the display name, by the provider id, or by
    /// an e-mail address or domain the provider vouches for. A linear scan: thousands of choices take microseconds each.
    /// </summary>
    public async ValueTask<IReadOnlyList<UpstreamChoice>> SearchAsync(string query, int limit, CancellationToken cancellationToken) =>
        Search(await ListAsync(cancellationToken), query, limit);

    /// <summary>The same search over choices the caller has already listed.</summary>
    public static IReadOnlyList<UpstreamChoice> Search(IReadOnlyList<UpstreamChoice> choices, string query, int limit)
    {
        var text = query.Trim();
        if (text.Length == 0)
        {
            return [];
        }

        return [.. choices
            .Select(choice => (Choice: choice, Score: Score(choice, text)))
            .Where(match => match.Score > 0)
            .OrderByDescending(match => match.Score)
            .ThenBy(match => match.Choice.DisplayName, StringComparer.OrdinalIgnoreCase)
            .Take(limit)
            .Select(match => match.Choice)];
    }

    private static int Score(UpstreamChoice choice, string text)
    {
        var domain = text.Contains('@') ? text[(text.LastIndexOf('@') + 1)..] : text;
        if (choice.Domains.Any(candidate => domain.Equals(candidate, StringComparison.OrdinalIgnoreCase) ||
                                            domain.EndsWith("." + candidate, StringComparison.OrdinalIgnoreCase)))
        {
            return 4;
        }

        if (choice.DisplayName.StartsWith(text, StringComparison.CurrentCultureIgnoreCase))
        {
            return 3;
        }

        if (choice.DisplayName.Contains(text, StringComparison.CurrentCultureIgnoreCase))
        {
            return 2;
        }

        return choice.Provider.Contains(text, StringComparison.OrdinalIgnoreCase) ? 1 : 0;
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
