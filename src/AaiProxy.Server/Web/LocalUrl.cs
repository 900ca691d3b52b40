namespace AaiProxy.Server.Web;

/// <summary>
/// Whether a URL the proxy is about to redirect to stays on this site, judged as ASP.NET Core's
/// <c>Url.IsLocalUrl</c> does: a single leading '/', not followed by '/' or '\', and no control characters
/// anywhere (browsers drop tab and newline, so "/\t/evil.example" is "//evil.example" to them); or "~/".
/// </summary>
public static class LocalUrl
{
    /// <summary>Longer return URLs are refused: they come from the proxy's own authorization requests, and one
    /// rides in a cookie (4 KB) while the person signs in upstream. A longer authorization request uses PAR.</summary>
    public const int MaxLength = 2048;

    public static bool IsLocal(string? url)
    {
        if (string.IsNullOrEmpty(url) || url.Length > MaxLength || url.Any(char.IsControl))
        {
            return false;
        }

        if (url[0] == '/')
        {
            return url.Length == 1 || (url[1] != '/' && url[1] != '\\');
        }

        return url.Length > 1 && url[0] == '~' && url[1] == '/' && (url.Length == 2 || (url[2] != '/' && url[2] != '\\'));
    }

    /// <summary>The URL when it is local, otherwise the site's root.</summary>
    public static string OrRoot(string? url) => IsLocal(url) ? url! : "/";
}
