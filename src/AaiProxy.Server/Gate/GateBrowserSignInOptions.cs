using AaiProxy.Server.Configuration;
using OpenIddict.Abstractions;

namespace AaiProxy.Server.Gate;

/// <summary>
/// The gate's browser sign-in (section <c>AaiProxy:Gate:BrowserSignIn</c>): for browsers following a download link,
/// the gate runs its own OpenID Connect code flow with the proxy per download host and keeps the access token in a
/// cookie on that host. Unset <see cref="ClientId"/>: off (a browser gets the plain 401).
/// </summary>
public sealed class GateBrowserSignInOptions
{
    public const string SectionName = GateOptions.SectionName + ":BrowserSignIn";

    /// <summary>
    /// The confidential client (of <c>AaiProxy:Clients</c>) the gate signs in as; the gate authenticates with that
    /// client's own secret (its <c>ClientSecretFile</c>, or <c>ClientSecret</c> from the environment). Its
    /// <c>RedirectUris</c> of the form <c>https://&lt;download host&gt;/gate/oauth2/callback</c> are the download hosts
    /// the sign-in runs for.
    /// </summary>
    public string? ClientId { get; set; }

    public bool Enabled => !string.IsNullOrEmpty(ClientId);
}

/// <summary>Start-up checks of the browser sign-in: each message names the key to set.</summary>
internal static class GateBrowserSignInValidation
{
    public static IEnumerable<string> Validate(GateOptions gate, ProxyOptions proxy)
    {
        var signIn = gate.BrowserSignIn;
        if (!signIn.Enabled)
            yield break;
        var key = $"{GateBrowserSignInOptions.SectionName}:ClientId";
        if (proxy.Issuer is null)
            yield return $"{key} needs AaiProxy:Issuer: the gate sends browsers to the proxy's public authorization endpoint and redeems codes there.";
        if (!proxy.ReverseProxy.Configured)
            yield return $"{key} needs AaiProxy:ReverseProxy:KnownProxies or KnownNetworks naming the download hosts' web servers: only their X-Forwarded-Host says which download host a sign-in is for.";

        var index = proxy.Clients.FindIndex(client => client.ClientId == signIn.ClientId);
        if (index < 0)
        {
            yield return $"{key} '{signIn.ClientId}' is no client of AaiProxy:Clients: declare the gate's sign-in client there.";
            yield break;
        }

        var client = proxy.Clients[index];
        var label = $"{key} '{signIn.ClientId}' (AaiProxy:Clients:{index})";
        if (client.Type != ClientType.Confidential)
            yield return $"{label} must be Confidential: the gate authenticates with the client's secret.";
        if (!client.AllowedGrants.Contains(OpenIddictConstants.GrantTypes.AuthorizationCode))
            yield return $"{label} must list authorization_code in AllowedGrants.";
        if (!client.AllowedScopes.Contains(OpenIddictConstants.Scopes.OpenId))
            yield return $"{label} must list openid in AllowedScopes.";
        if (gate.Audience is { } audience && !client.Resources.Contains(audience, StringComparer.Ordinal))
            yield return $"{label} must list the gate's audience '{audience}' in Resources.";
        if (!client.RedirectUris.Any(GateDownloadHosts.IsGateCallback))
            yield return $"{label} has no download host: add https://<download host>{GateSignInPaths.Callback} to its RedirectUris, one per host.";
    }
}
