using AaiProxy.Identity;
using AaiProxy.Server.Upstream;

namespace AaiProxy.Server.Accounts;

/// <summary>The domains an issuer vouches for, as its upstream choice states them (a SAML IdP's <c>shibmd:Scope</c>s;
/// OpenID Providers state none, so their e-mail addresses are verified by mail).</summary>
internal sealed class UpstreamDomains(UpstreamChoices choices) : IUpstreamDomains
{
    public async ValueTask<IReadOnlyList<string>> DomainsOfAsync(string issuer, CancellationToken cancellationToken) =>
        (await choices.FindAsync(issuer, cancellationToken))?.Domains ?? [];
}
