using AaiProxy.Identity;
using AaiProxy.Server.Configuration;
using AaiProxy.Server.Oidc;
using AaiProxy.Server.Session;
using Microsoft.Extensions.Options;
using OpenIddict.Abstractions;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace AaiProxy.Server.Logout;

/// <summary>
/// Tells clients that a person signed out (OpenID Connect Back-Channel Logout 1.0; Front-Channel Logout 1.0 for clients
/// with no back-channel endpoint). The grants (OpenIddict
/// authorizations) of the person record which client received tokens in which proxy session
/// (<see cref="AuthorizationLink"/>); the clients of the ended session, or of every session when the whole account
/// signs out, get a logout token through <see cref="BackChannelLogoutSender"/>'s queue. Callers tell this before
/// they end the session or revoke the grants, and never wait for the deliveries.
/// </summary>
public sealed class ClientLogout(IOpenIddictAuthorizationManager authorizations, IOpenIddictApplicationManager applications,
    PairwiseSubjects pairwise, ClientCatalog clients, IOptions<ProxyOptions> proxy, ListeningOrigins origins, BackChannelLogoutSender sender,
    ILogger<ClientLogout> logger)
{
    /// <summary>The proxy session <paramref name="session"/> ends (end-session endpoint, SAML Single Logout).</summary>
    public Task SessionEndedAsync(ProxySession session, CancellationToken cancellationToken) =>
        NotifyAsync(session.AccountId, session.SessionId, cancellationToken);

    /// <summary>The front-channel logout URIs (with <c>iss</c> and <c>sid</c>) of the clients of <paramref name="session"/>
    /// that registered one and no back-channel endpoint: the sign-out page loads them in iframes.</summary>
    public async Task<IReadOnlyList<Uri>> FrontChannelLogoutsAsync(ProxySession session, CancellationToken cancellationToken)
    {
        var endpoints = clients.All
            .Where(client => client.FrontChannelLogoutUri is not null && client.BackChannelLogoutUri is null)
            .ToDictionary(client => client.ClientId, client => new Uri(client.FrontChannelLogoutUri!), StringComparer.Ordinal);
        return endpoints.Count == 0
            ? []
            : LogoutRecipients.FrontChannel(await GrantsAsync(session.AccountId, cancellationToken), endpoints, Issuer, session.SessionId);
    }

    /// <summary>Every session of the account ends ("sign out everywhere", suspension, deletion, merge).</summary>
    public Task AccountSignedOutAsync(string accountId, CancellationToken cancellationToken) =>
        NotifyAsync(accountId, endedSession: null, cancellationToken);

    private async Task NotifyAsync(string accountId, string? endedSession, CancellationToken cancellationToken)
    {
        var endpoints = clients.All
            .Where(client => client.BackChannelLogoutUri is not null)
            .ToDictionary(client => client.ClientId, client => new BackChannelEndpoint(new Uri(client.BackChannelLogoutUri!), client.BackChannelLogoutSessionRequired),
                StringComparer.Ordinal);
        if (endpoints.Count == 0)
        {
            return;
        }

        var notices = LogoutRecipients.For(await GrantsAsync(accountId, cancellationToken), endpoints, endedSession);
        foreach (var notice in notices)
        {
            sender.Enqueue(Issuer, notice);
        }

        Log.BackChannelLogoutQueued(logger, accountId, endedSession ?? "(every session)", notices.Count);
    }

    // As OpenIddict states it in tokens: the configured issuer, else the public origin (with its trailing slash).
    private string Issuer => proxy.Value.Issuer?.AbsoluteUri ?? origins.PublicOrigin(proxy.Value) + "/";

    // The account's valid grants, by each sub a client may know it by.
    private async Task<List<SessionGrant>> GrantsAsync(string accountId, CancellationToken cancellationToken)
    {
        var grants = new List<SessionGrant>();
        var clientIds = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var subject in pairwise.SubjectsOf(accountId))
        {
            var found = new List<object>();
            await foreach (var authorization in authorizations.FindBySubjectAsync(subject, cancellationToken))
            {
                found.Add(authorization);
            }

            foreach (var authorization in found)
            {
                if (!await authorizations.HasStatusAsync(authorization, Statuses.Valid, cancellationToken) ||
                    await authorizations.GetApplicationIdAsync(authorization, cancellationToken) is not { } applicationId)
                {
                    continue;
                }

                if (!clientIds.TryGetValue(applicationId, out var clientId))
                {
                    var application = await applications.FindByIdAsync(applicationId, cancellationToken);
                    clientIds[applicationId] = clientId = application is null ? null : await applications.GetClientIdAsync(application, cancellationToken);
                }

                if (clientId is not null)
                {
                    grants.Add(new SessionGrant(clientId, subject,
                        AuthorizationLink.SessionIdOf(await authorizations.GetPropertiesAsync(authorization, cancellationToken))));
                }
            }
        }

        return grants;
    }
}
