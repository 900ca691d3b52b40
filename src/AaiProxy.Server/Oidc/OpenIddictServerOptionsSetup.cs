using AaiProxy.Server.Storage;
using AaiProxy.Server.Configuration;
using Microsoft.Extensions.Options;
using OpenIddict.Server;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace AaiProxy.Server.Oidc;

/// <summary>
/// The parts of OpenIddict's configuration that come from <see cref="ProxyOptions"/> or the
/// database: keys (loaded, or generated on first start), lifetimes, issuer.
/// </summary>
internal sealed class OpenIddictServerOptionsSetup(
    IOptions<ProxyOptions> proxyOptions,
    DatabaseInitializer database,
    IServiceScopeFactory scopes) : IConfigureOptions<OpenIddictServerOptions>
{
    public void Configure(OpenIddictServerOptions options)
    {
        var proxy = proxyOptions.Value;

        // OpenIddict builds its options once, on first use; the keys must be in the database by then.
        database.EnsureMigrated();
        using (var scope = scopes.CreateScope())
        {
            var keys = scope.ServiceProvider.GetRequiredService<ServerKeys>();
            options.SigningCredentials.AddRange(keys.SigningCredentials(proxy.Tokens.SigningAlgorithm));
            options.EncryptionCredentials.AddRange(keys.EncryptionCredentials());
        }

        options.Issuer = proxy.Issuer;

        // RFC 8707: a resource indicator is valid if some client may ask for it (and then only that client).
        options.Resources.UnionWith(proxy.Clients.SelectMany(client => client.Resources.Concat(client.TokenExchangeAudiences))
            .Select(resource => new Uri(resource, UriKind.Absolute)));

        // RFC 8693: the targets some client may exchange tokens for; only a person's access token is exchanged, and
        // no actor token is taken (the exchanging client is the actor).
        options.Audiences.UnionWith(proxy.Clients.SelectMany(client => client.TokenExchangeAudiences));
        options.SubjectTokenTypes.IntersectWith([TokenTypeIdentifiers.AccessToken]);
        options.ActorTokenTypes.Clear();
        options.AccessTokenLifetime = proxy.Tokens.AccessTokenLifetime;
        options.IdentityTokenLifetime = proxy.Tokens.IdentityTokenLifetime;
        options.AuthorizationCodeLifetime = proxy.Tokens.AuthorizationCodeLifetime;
        options.RefreshTokenLifetime = proxy.Tokens.RefreshTokenLifetime;
        options.RefreshTokenReuseLeeway = proxy.Tokens.RefreshTokenReuseLeeway;

        // PKCE with "plain" protects nothing against an attacker who sees the authorization request.
        options.CodeChallengeMethods.Remove(CodeChallengeMethods.Plain);
    }
}

/// <summary>Rebuilds OpenIddict's options (keys) when the stored key ring changes.</summary>
internal sealed class KeyRingChangeTokenSource(ServerKeyRing ring) : IOptionsChangeTokenSource<OpenIddictServerOptions>
{
    public string Name => Options.DefaultName;

    public Microsoft.Extensions.Primitives.IChangeToken GetChangeToken() => ring.GetChangeToken();
}
