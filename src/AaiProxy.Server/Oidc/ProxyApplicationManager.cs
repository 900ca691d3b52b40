using Microsoft.Extensions.Options;
using OpenIddict.Abstractions;
using OpenIddict.Core;

namespace AaiProxy.Server.Oidc;

/// <summary>
/// OpenIddict's application manager with one change: a client secret already verified against the
/// same stored hash within <see cref="VerifiedClientSecrets"/>' lifetime is accepted (or, if different,
/// refused) without PBKDF2. Every other decision (client type, permissions, the stored hash) is OpenIddict's.
/// </summary>
internal sealed class ProxyApplicationManager<TApplication>(
    IOpenIddictApplicationCache<TApplication> cache,
    ILogger<OpenIddictApplicationManager<TApplication>> logger,
    IOptionsMonitor<OpenIddictCoreOptions> options,
    IOpenIddictApplicationStore<TApplication> store,
    VerifiedClientSecrets verified)
    : OpenIddictApplicationManager<TApplication>(cache, logger, options, store) where TApplication : class
{
    protected override async ValueTask<bool> ValidateClientSecretAsync(string secret, string comparand, CancellationToken cancellationToken = default)
    {
        if (verified.Matches(comparand, secret) is { } known)
        {
            return known;
        }

        var valid = await base.ValidateClientSecretAsync(secret, comparand, cancellationToken);
        if (valid)
        {
            verified.Remember(comparand, secret);
        }

        return valid;
    }
}
