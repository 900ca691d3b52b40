using Microsoft.Extensions.Options;

namespace AaiProxy.Server.Upstream.Oidc;

/// <summary>The configured OpenID Connect providers as upstream choices: the provider is named by its issuer,
/// the scheme by its id.</summary>
internal sealed class OidcUpstreamChoices(IOptions<OidcProvidersOptions> options) : IUpstreamChoiceSource
{
    public ValueTask<IReadOnlyList<UpstreamChoice>> ListAsync(CancellationToken cancellationToken) =>
        ValueTask.FromResult<IReadOnlyList<UpstreamChoice>>([.. options.Value.OpenIdConnectProviders.Select(Choice)]);

    public ValueTask<UpstreamChoice?> FindAsync(string provider, CancellationToken cancellationToken) =>
        ValueTask.FromResult(options.Value.OpenIdConnectProviders.FirstOrDefault(candidate =>
            string.Equals(candidate.Authority, provider, StringComparison.Ordinal)) is { } found ? Choice(found) : null);

    private static UpstreamChoice Choice(OidcProviderOptions provider) => new(provider.Id, provider.Authority, provider.ShownName);
}
