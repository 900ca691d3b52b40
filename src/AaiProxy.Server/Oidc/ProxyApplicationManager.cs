using AaiProxy.Data;
using Microsoft.Extensions.Options;
using OpenIddict.Abstractions;
using OpenIddict.Core;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace AaiProxy.Server.Oidc;

/// <summary>
/// OpenIddict's application manager with one change: a client secret already verified against the
/// same stored hash within <see cref="VerifiedClientSecrets"/>' lifetime is accepted (or, if different,
/// refused) without PBKDF2; and redirect URIs are stored as registered strings (<see cref="ProxyApplicationDescriptor"/>)
/// and matched by <see cref="RedirectUriMatch"/> (any loopback port for a native public client); token and introspection
/// requests are served recently looked-up clients from <see cref="RecentClients"/>, and every change through this
/// manager forgets them. Every other decision (client type, permissions, the stored hash) is OpenIddict's.
/// </summary>
internal sealed class ProxyApplicationManager<TApplication>(
    IOpenIddictApplicationCache<TApplication> cache,
    ILogger<OpenIddictApplicationManager<TApplication>> logger,
    IOptionsMonitor<OpenIddictCoreOptions> options,
    IOpenIddictApplicationStore<TApplication> store,
    VerifiedClientSecrets verified,
    RecentClients recent,
    RecentClientsScope recentScope,
    ProxyDbContext db)
    : OpenIddictApplicationManager<TApplication>(cache, logger, options, store) where TApplication : class
{
    public override async ValueTask<TApplication?> FindByClientIdAsync(string identifier, CancellationToken cancellationToken = default)
    {
        if (!recentScope.Enabled)
        {
            return await base.FindByClientIdAsync(identifier, cancellationToken);
        }

        var key = RecentClients.ByClientId(identifier);
        if (recent.Find<TApplication>(key) is { } known)
        {
            return known;
        }

        var application = await base.FindByClientIdAsync(identifier, cancellationToken);
        Remember(key, application);
        return application;
    }

    public override async ValueTask<TApplication?> FindByIdAsync(string identifier, CancellationToken cancellationToken = default)
    {
        if (!recentScope.Enabled)
        {
            return await base.FindByIdAsync(identifier, cancellationToken);
        }

        var key = RecentClients.ById(identifier);
        if (recent.Find<TApplication>(key) is { } known)
        {
            return known;
        }

        var application = await base.FindByIdAsync(identifier, cancellationToken);
        Remember(key, application);
        return application;
    }

    public override async ValueTask CreateAsync(TApplication application, CancellationToken cancellationToken = default)
    {
        await base.CreateAsync(application, cancellationToken);
        recent.ForgetAll();
    }

    public override async ValueTask UpdateAsync(TApplication application, CancellationToken cancellationToken = default)
    {
        await base.UpdateAsync(application, cancellationToken);
        recent.ForgetAll();
    }

    public override async ValueTask DeleteAsync(TApplication application, CancellationToken cancellationToken = default)
    {
        await base.DeleteAsync(application, cancellationToken);
        recent.ForgetAll();
    }

    /// <summary>A client just read from the database (the context is in use already, so its model costs nothing more).</summary>
    private void Remember(string key, TApplication? application)
    {
        if (application is not null && db.Model.FindEntityType(typeof(TApplication)) is { } entityType)
        {
            recent.Remember(key, entityType, application);
        }
    }

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
