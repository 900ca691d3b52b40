namespace AaiProxy.Server.Gate;

/// <summary>
/// The gate's browser sign-in, served under each download host's own origin: that host's web server proxies
/// <see cref="Prefix"/> to the proxy (with <c>X-Forwarded-Host</c> and <c>X-Forwarded-Proto</c>), so the sign-in's
/// cookies and the gate cookie belong to the download host. The same paths as oauth2-proxy's <c>/oauth2/…</c>.
/// </summary>
public static class GateSignInPaths
{
    public const string Prefix = "/gate/oauth2";

    /// <summary>Starts the sign-in: <c>?rd=</c> the path on the download host to return to.</summary>
    public const string Start = Prefix + "/start";

    /// <summary>The redirect URI's path: <c>https://&lt;download host&gt;/gate/oauth2/callback</c> is registered on the sign-in client.</summary>
    public const string Callback = Prefix + "/callback";

    /// <summary>Clears the gate cookie: then back to <c>?rd=</c>, or without it on to the proxy's end-session endpoint.</summary>
    public const string SignOut = Prefix + "/sign_out";

    /// <summary>The OpenID Connect handler's post-logout path, kept under the prefix (the gate asks for no such redirect; the handler's
    /// default, <c>/signout-callback-oidc</c>, would be answered on every host of the proxy).</summary>
    public const string SignedOutCallback = Prefix + "/signed_out";

    /// <summary>The return path parameter of <see cref="Start"/> and <see cref="SignOut"/>.</summary>
    public const string ReturnParameter = "rd";

    /// <summary>Requests whose forwarded host is believed (from a known reverse proxy): the download host's.</summary>
    public static bool IsSignInRequest(HttpContext context) => context.Request.Path.StartsWithSegments(Prefix, StringComparison.Ordinal);
}
