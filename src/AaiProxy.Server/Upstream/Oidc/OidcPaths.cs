namespace AaiProxy.Server.Upstream.Oidc;

/// <summary>The endpoints of one upstream OpenID Connect scheme, relative to the proxy's origin. The callback
/// is the redirect URI to register at the provider; the signed-out callback its post-logout redirect URI.</summary>
internal static class OidcPaths
{
    public static string Base(string id) => $"/upstream/oidc/{id}";

    public static string Callback(string id) => Base(id) + "/callback";

    public static string SignedOutCallback(string id) => Base(id) + "/signed-out";
}
