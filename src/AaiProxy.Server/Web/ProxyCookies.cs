namespace AaiProxy.Server.Web;

/// <summary>Cookie names and flags follow the public origin: over HTTPS every cookie of the proxy is
/// <c>__Host-</c> prefixed (Secure, Path=/, no Domain), even when TLS ends at a reverse proxy in front.</summary>
public static class ProxyCookies
{
    public static string Name(string baseName, bool publicOverHttps) => publicOverHttps ? "__Host-" + baseName : baseName;
}
