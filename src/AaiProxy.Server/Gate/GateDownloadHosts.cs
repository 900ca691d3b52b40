namespace AaiProxy.Server.Gate;

/// <summary>
/// The download hosts the gate's browser sign-in runs for: exactly those whose callback,
/// <c>https://&lt;host&gt;/gate/oauth2/callback</c>, is a redirect URI of the sign-in client. The host is the one the
/// browser used, as the host's web server forwards it (<c>X-Forwarded-Host</c>), port included when not 443.
/// </summary>
public sealed class GateDownloadHosts(string clientId, IEnumerable<string> redirectUris)
{
    private readonly HashSet<string> _callbacks = redirectUris.Where(IsGateCallback).ToHashSet(StringComparer.Ordinal);

    public string ClientId { get; } = clientId;

    /// <summary>The callback of the host a request came through, built as the OpenID Connect handler builds its redirect URI.</summary>
    public static string CallbackUri(string scheme, HostString host) => $"{scheme}://{host.ToUriComponent()}{GateSignInPaths.Callback}";

    /// <summary>An https URI whose path is <see cref="GateSignInPaths.Callback"/>, with no user, query or fragment.</summary>
    public static bool IsGateCallback(string redirectUri) =>
        Uri.TryCreate(redirectUri, UriKind.Absolute, out var uri) && uri.Scheme == Uri.UriSchemeHttps && uri.UserInfo.Length == 0 &&
        uri.AbsolutePath == GateSignInPaths.Callback && uri.Query.Length == 0 && uri.Fragment.Length == 0;

    /// <summary>Why a sign-in through this host cannot run (for the person and the operator), or null when its callback is registered.</summary>
    public string? Refusal(string scheme, HostString host)
    {
        if (scheme != Uri.UriSchemeHttps)
            return "The download host must be reached over HTTPS, and its web server must send X-Forwarded-Proto: https and be one of AaiProxy:ReverseProxy:KnownProxies or KnownNetworks.";
        var callback = CallbackUri(scheme, host);
        return _callbacks.Contains(callback)
            ? null
            : $"The download host '{host.ToUriComponent()}' is not registered for the gate's sign-in: add {callback} to the RedirectUris of client '{ClientId}' (its web server must send X-Forwarded-Host and be one of AaiProxy:ReverseProxy:KnownProxies or KnownNetworks).";
    }
}
