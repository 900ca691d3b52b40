using AaiProxy.Server.Logout;
using AaiProxy.Server.Session;
using Microsoft.AspNetCore.Authentication;

namespace AaiProxy.Server.Upstream;

/// <summary>An upstream protocol's part in ending a session (e.g. SAML Single Logout), by scheme.</summary>
public interface IUpstreamLogout
{
    string Scheme { get; }

    /// <summary>Ends the proxy session and continues upstream, coming back to <paramref name="returnUrl"/>;
    /// null when this session has nothing to end upstream (the caller then ends the proxy session alone).</summary>
    Task<IResult?> TryStartAsync(HttpContext httpContext, ProxySession session, string returnUrl);
}

/// <summary>Ends the proxy session the way its upstream protocol wants: the one entry point for sign-out. The clients
/// that received tokens in the session are told first (<see cref="ClientLogout"/>): the upstream logout and theirs are one sign-out.</summary>
public sealed class UpstreamLogout(IEnumerable<IUpstreamLogout> protocols, ClientLogout clientLogout)
{
    private readonly Dictionary<string, IUpstreamLogout> _byScheme = protocols.ToDictionary(protocol => protocol.Scheme, StringComparer.Ordinal);

    /// <returns>A redirect upstream, or null when the proxy session was ended here and nothing else remains.</returns>
    public async Task<IResult?> SignOutAsync(HttpContext httpContext, string returnUrl)
    {
        var session = await ProxySession.ReadAsync(httpContext);
        if (session is not null)
        {
            await clientLogout.SessionEndedAsync(session, httpContext.RequestAborted);
        }

        if (session is not null && _byScheme.TryGetValue(session.UpstreamScheme, out var protocol) &&
            await protocol.TryStartAsync(httpContext, session, returnUrl) is { } upstream)
        {
            return upstream;
        }

        await httpContext.SignOutAsync(SessionDefaults.Scheme);
        return null;
    }
}
