using Microsoft.AspNetCore.WebUtilities;

namespace AaiProxy.Server.Logout;

/// <summary>A grant a client received: the <c>sub</c> it knows the person by and the proxy session it was made in
/// (null for grants from before sessions had ids).</summary>
public sealed record SessionGrant(string ClientId, string Subject, string? SessionId);

/// <summary>A client's registered back-channel logout endpoint (Back-Channel Logout 1.0 §2.2).</summary>
public sealed record BackChannelEndpoint(Uri Uri, bool SessionRequired);

/// <summary>One logout token to deliver: to whom, where, naming which <c>sub</c> and session.</summary>
public sealed record LogoutNotice(string ClientId, Uri Endpoint, string Subject, string? SessionId);

/// <summary>Which clients hear of a sign-out: every client with a back-channel endpoint that received tokens in
/// the ended session, or, when the whole account signs out, in any of its sessions; one notice per client and session.
/// Clients with only a front-channel endpoint are told through the person's browser, of the ended session only.</summary>
public static class LogoutRecipients
{
    /// <summary>Front-Channel Logout 1.0 §2–3: the logout URI of each client of the ended session that registered one,
    /// once, with the issuer and the session id as query parameters, to load in the person's browser.</summary>
    public static IReadOnlyList<Uri> FrontChannel(IEnumerable<SessionGrant> grants, IReadOnlyDictionary<string, Uri> endpoints,
        string issuer, string endedSession) =>
    [
        .. grants
            .Where(grant => grant.SessionId == endedSession && endpoints.ContainsKey(grant.ClientId))
            .Select(grant => grant.ClientId)
            .Distinct(StringComparer.Ordinal)
            .Select(clientId => new Uri(QueryHelpers.AddQueryString(endpoints[clientId].ToString(),
                new Dictionary<string, string?> { ["iss"] = issuer, ["sid"] = endedSession }))),
    ];

    /// <param name="endedSession">The session that ended; null: every session of the account ("sign out everywhere",
    /// suspension, deletion).</param>
    public static IReadOnlyList<LogoutNotice> For(IEnumerable<SessionGrant> grants,
        IReadOnlyDictionary<string, BackChannelEndpoint> endpoints, string? endedSession) =>
    [
        .. grants
            .Where(grant => endedSession is null || grant.SessionId == endedSession)
            .Where(grant => endpoints.TryGetValue(grant.ClientId, out var endpoint) &&
                            // §2.4: a client that requires sid cannot use a token that names no session.
                            (grant.SessionId is not null || !endpoint.SessionRequired))
            .DistinctBy(grant => (grant.ClientId, grant.Subject, grant.SessionId))
            .Select(grant => new LogoutNotice(grant.ClientId, endpoints[grant.ClientId].Uri, grant.Subject, grant.SessionId)),
    ];
}
