namespace AaiProxy.Server.Upstream;

/// <summary>One way to sign in upstream, as the login page lists it.</summary>
/// <param name="Scheme">The upstream authentication scheme that handles it (e.g. <c>saml</c>).</param>
/// <param name="Provider">The provider within the scheme (a SAML IdP's entity ID, later an OIDC issuer).</param>
/// <param name="DisplayName">What people see.</param>
public sealed record UpstreamChoice(string Scheme, string Provider, string DisplayName);

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
