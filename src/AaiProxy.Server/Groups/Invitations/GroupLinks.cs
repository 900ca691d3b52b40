using AaiProxy.Server.Configuration;
using Microsoft.Extensions.Options;

namespace AaiProxy.Server.Groups.Invitations;

/// <summary>
/// The pages mails link to, and the absolute form of those links: <c>{Issuer}/…</c>, or the first
/// listening origin while no issuer is configured (the demo). The one place these paths are decided.
/// </summary>
internal sealed class GroupLinks(IOptions<ProxyOptions> options, ListeningOrigins origins)
{
    public const string InvitationPathPrefix = "/invitations";

    public const string AdminBasePath = "/admin";

    public static string InvitationPath(string token) => $"{InvitationPathPrefix}/{Uri.EscapeDataString(token)}";

    public static string GroupPagePath(string groupId) => $"{AdminBasePath}/groups/{Uri.EscapeDataString(groupId)}";

    public string Absolute(string path) =>
        (options.Value.Issuer?.AbsoluteUri ?? origins.Origins[0]).TrimEnd('/') + path;
}
