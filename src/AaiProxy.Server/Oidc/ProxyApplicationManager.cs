using Microsoft.Extensions.Options;
using OpenIddict.Abstractions;
using OpenIddict.Core;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace AaiProxy.Server.Oidc;

/// <summary>
/// OpenIddict's application manager with one change: a client secret already verified against the
/// same stored hash within <see cref="VerifiedClientSecrets"/>' lifetime is accepted (or, if different,
/// refused) without PBKDF2; and redirect URIs are stored as registered strings (<see cref="ProxyApplicationDescriptor"/>)
/// and matched by <see cref="RedirectUriMatch"/> (any loopback port for a native public client). Every other decision
/// (client type, permissions, the stored hash) is OpenIddict's.
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

    public override async ValueTask PopulateAsync(TApplication application, OpenIddictApplicationDescriptor descriptor, CancellationToken cancellationToken = default)
    {
        await base.PopulateAsync(application, descriptor, cancellationToken);
        if (descriptor is ProxyApplicationDescriptor exact)
        {
            await Store.SetRedirectUrisAsync(application, [.. exact.ExactRedirectUris.Distinct(StringComparer.Ordinal)], cancellationToken);
        }
    }

    public override async ValueTask PopulateAsync(OpenIddictApplicationDescriptor descriptor, TApplication application, CancellationToken cancellationToken = default)
    {
        await base.PopulateAsync(descriptor, application, cancellationToken);
        if (descriptor is ProxyApplicationDescriptor exact)
        {
            exact.ExactRedirectUris.AddRange(await Store.GetRedirectUrisAsync(application, cancellationToken));
        }
    }

    public override async ValueTask<bool> ValidateRedirectUriAsync(TApplication application, string uri, CancellationToken cancellationToken = default)
    {
        var anyLoopbackPort = await GetApplicationTypeAsync(application, cancellationToken) == ApplicationTypes.Native &&
                              await HasClientTypeAsync(application, ClientTypes.Public, cancellationToken);
        return (await Store.GetRedirectUrisAsync(application, cancellationToken))
            .Any(registered => RedirectUriMatch.Matches(registered, uri, anyLoopbackPort));
    }
}
