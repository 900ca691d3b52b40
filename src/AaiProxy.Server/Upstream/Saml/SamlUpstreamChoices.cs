using AaiProxy.Saml.Metadata;

namespace AaiProxy.Server.Upstream.Saml;

/// <summary>The trusted SAML identity providers as upstream choices.</summary>
internal sealed class SamlUpstreamChoices(IIdentityProviderMetadataProvider identityProviders) : IUpstreamChoiceSource
{
    public async ValueTask<IReadOnlyList<UpstreamChoice>> ListAsync(CancellationToken cancellationToken) =>
        [.. (await identityProviders.ListAsync(cancellationToken)).Select(Choice)];

    public async ValueTask<UpstreamChoice?> FindAsync(string provider, CancellationToken cancellationToken) =>
        await identityProviders.FindAsync(provider, cancellationToken) is { } idp ? Choice(idp) : null;

    private static UpstreamChoice Choice(IdentityProviderMetadata idp) =>
        new(SamlAuthenticationDefaults.Scheme, idp.EntityId, idp.DisplayName ?? idp.EntityId)
        {
            Domains = [.. idp.Scopes.Where(scope => !scope.IsRegularExpression).Select(scope => scope.Value)],
        };
}
