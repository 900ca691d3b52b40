using System.Net;
using System.Net.Sockets;

namespace AaiProxy.Server.Upstream.Discovery;

/// <summary>
/// Fetches of URLs that metadata names (IdP logos) reach public Internet addresses only: never the proxy's own host
/// or network (loopback, RFC 1918 and unique-local fc00::/7, link-local, CGNAT 100.64.0.0/10, unspecified,
/// multicast, reserved). The check is made on the address actually connected to, after resolution, so a name that
/// resolves (or re-resolves) to a private address is refused as surely as a literal one.
/// </summary>
internal static class PublicAddresses
{
    public static bool IsPublic(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            var b = address.GetAddressBytes();
            return !(b[0] == 0                                   // 0.0.0.0/8 unspecified, "this network"
                     || b[0] == 10                               // 10.0.0.0/8 private
                     || b[0] == 127                              // 127.0.0.0/8 loopback
                     || (b[0] == 100 && (b[1] & 0xC0) == 64)     // 100.64.0.0/10 CGNAT
                     || (b[0] == 169 && b[1] == 254)             // 169.254.0.0/16 link-local (cloud metadata services)
                     || (b[0] == 172 && (b[1] & 0xF0) == 16)     // 172.16.0.0/12 private
                     || (b[0] == 192 && b[1] == 168)             // 192.168.0.0/16 private
                     || b[0] >= 224);                            // 224.0.0.0/4 multicast, 240.0.0.0/4 reserved, broadcast
        }

        return address.AddressFamily == AddressFamily.InterNetworkV6
               && !(address.Equals(IPAddress.IPv6Any) || address.Equals(IPAddress.IPv6Loopback)
                    || address.IsIPv6LinkLocal || address.IsIPv6SiteLocal || address.IsIPv6UniqueLocal || address.IsIPv6Multicast);
    }

    /// <summary>A <see cref="SocketsHttpHandler.ConnectCallback"/>: resolves the host, keeps its public addresses and
    /// connects to one of them; none public refuses the connection with <see cref="NonPublicAddressException"/>.</summary>
    public static async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        var host = context.DnsEndPoint.Host;
        var resolved = IPAddress.TryParse(host, out var literal) ? [literal] : await Dns.GetHostAddressesAsync(host, cancellationToken);
        var allowed = resolved.Where(IsPublic).ToArray();
        if (allowed.Length == 0)
        {
            throw new NonPublicAddressException(host, resolved);
        }

        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(allowed, context.DnsEndPoint.Port, cancellationToken);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}

/// <summary>A host that resolves to no public address: the connection is never attempted.</summary>
internal sealed class NonPublicAddressException(string host, IReadOnlyList<IPAddress> addresses)
    : IOException($"{host} resolves to no public address ({(addresses.Count == 0 ? "none" : string.Join(", ", addresses))}).");
