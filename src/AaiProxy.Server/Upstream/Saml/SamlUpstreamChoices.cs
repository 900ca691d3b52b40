using AaiProxy.Federation.Discovery;
using AaiProxy.Federation.Model;
using AaiProxy.Saml.Metadata;

namespace AaiProxy.Server.Upstream.Saml;

/// <summary>The trusted SAML identity providers as upstream choices: a federation IdP with its MDUI (names per
/// language, keywords, logo), DiscoHints domains and hide-from-discovery. The list is built once per metadata
/// set (a federation refresh swaps the set, an MDQ answer adds to it, and with it the list changes), so a search
/// never rebuilds 6,000 choices.</summary>
internal sealed class SamlUpstreamChoices(IIdentityProviderMetadataProvider identityProviders, FederationEntities federations)
    : IUpstreamChoiceSource
{
    private Built? _built;

    public async ValueTask<IReadOnlyList<UpstreamChoice>> ListAsync(CancellationToken cancellationToken)
    {
        // The IdPs named one by one are read once at start: only federation metadata changes the list.
        var version = federations.Version;
        var built = Volatile.Read(ref _built);
        if (built is null || !ReferenceEquals(built.Version.Index, version.Index) || built.Version.Mdq != version.Mdq)
        {
            var all = await identityProviders.ListAsync(cancellationToken);
            built = new Built(version, [.. all.Select(idp => Choice(idp, federations.Find(idp.EntityId)))]);
            Volatile.Write(ref _built, built);
        }

        return built.Choices;
    }

    public async ValueTask<UpstreamChoice?> FindAsync(string provider, CancellationToken cancellationToken) =>
        await identityProviders.FindAsync(provider, cancellationToken) is { } idp ? Choice(idp, federations.Find(idp.EntityId)) : null;

    /// <param name="entity">The IdP's federation entry, when it came from an aggregate.</param>
    internal static UpstreamChoice Choice(IdentityProviderMetadata idp, FederationEntity? entity)
    {
        var scopes = idp.Scopes.Where(scope => !scope.IsRegularExpression).Select(scope => scope.Value);
        if (entity is null)
        {
            return new(SamlAuthenticationDefaults.Scheme, idp.EntityId, idp.DisplayName ?? idp.EntityId) { Domains = [.. scopes] };
        }

        var ui = entity.UserInterface;
        return new(SamlAuthenticationDefaults.Scheme, idp.EntityId, entity.DisplayName("en") ?? idp.DisplayName ?? idp.EntityId)
        {
            Domains = [.. scopes.Concat(entity.DiscoveryHints.DomainHints).Distinct(StringComparer.OrdinalIgnoreCase)],
            Names = [.. ui.DisplayNames.Select(name => new ChoiceName(name.Language, name.Value))],
            Keywords = [.. ui.Keywords.Select(keywords => keywords.Value.Replace('+', ' '))],
            Logo = ListLogo(ui.Logos)?.Url,
            HiddenFromDiscovery = entity.IsHiddenFromDiscovery,
        };
    }

    // The logo for a list row: the smallest at least 32 pixels high (a 16×16 favicon is too small, a banner too big).
    private static MetadataLogo? ListLogo(IReadOnlyList<MetadataLogo> logos) =>
        logos.Where(logo => logo.Height >= 32).OrderBy(logo => logo.Height).FirstOrDefault() ?? logos.MaxBy(logo => logo.Height);

    private sealed record Built((FederationIndex Index, int Mdq) Version, IReadOnlyList<UpstreamChoice> Choices);
}
