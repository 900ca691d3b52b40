using Microsoft.AspNetCore.HttpOverrides;

namespace AaiProxy.Server.Configuration;

/// <summary>Whose forwarded headers are believed: exactly <see cref="ReverseProxyOptions"/>'s proxies and networks (ASP.NET Core's loopback default removed).</summary>
internal static class ReverseProxyTrust
{
    public static void Apply(ForwardedHeadersOptions forwarded, ReverseProxyOptions reverseProxy)
    {
        forwarded.KnownProxies.Clear();
        forwarded.KnownIPNetworks.Clear();
        foreach (var address in reverseProxy.KnownProxies.Where(a => System.Net.IPAddress.TryParse(a, out _)))
            forwarded.KnownProxies.Add(System.Net.IPAddress.Parse(address));
        foreach (var network in reverseProxy.KnownNetworks.Where(n => System.Net.IPNetwork.TryParse(n, out _)))
            forwarded.KnownIPNetworks.Add(System.Net.IPNetwork.Parse(network));
    }
}
