using AaiProxy.Server.Operations;
using AaiProxy.Identity;
using AaiProxy.Server.Session;
using AaiProxy.Server.Web;
using Microsoft.AspNetCore.Authentication;

namespace AaiProxy.Server.Upstream;

/// <summary>
/// The seam between upstream protocols and the proxy: every upstream handler ends by handing its validated
/// <see cref="UpstreamIdentity"/> here. It drops what no upstream may assert (the proxy's own entitlements,
/// entitlements an issuer is not allowed, non-REFEDS assurance) before anything is stored, resolves (or
/// creates) the community account, refuses an account that may not sign in, and returns the proxy session's ticket.
/// </summary>
public sealed class UpstreamSignIn(ICommunityAccountResolver accounts, UpstreamAttributeFilter filter, TimeProvider time,
    ProxyMetrics metrics, ILogger<UpstreamSignIn> logger)
{
    /// <param name="scheme">The upstream scheme the person came through; sign-out dispatches on it.</param>
    /// <param name="properties">The challenge's properties (return URL, requested authentication, protocol items).</param>
    /// <exception cref="UpstreamLoginException">The account is not active (<c>access_denied</c> to the client).</exception>
    public async Task<AuthenticationTicket> CreateSessionAsync(UpstreamIdentity upstream, string scheme, AuthenticationProperties properties,
        CancellationToken cancellationToken)
    {
        var filtered = filter.Filter(upstream);
        foreach (var dropped in filtered.Dropped)
        {
            Log.UpstreamValueDropped(logger, upstream.Issuer, dropped.Attribute, LogText.Untrusted(dropped.Value)!, dropped.Reason.ToString());
        }

        var resolved = await accounts.ResolveAsync(filtered.Kept, cancellationToken);
        if (resolved.Account.Status != AccountStatus.Active)
        {
            Log.SignInRefusedInactiveAccount(logger, resolved.Account.Id, resolved.Account.Status.ToString());
            throw new UpstreamLoginException(StatusCodes.Status403Forbidden, "account_not_active",
                "Your account at this service is suspended. Please contact the service's support.",
                "access_denied", "The person's account is not active.");
        }

        var (principal, sessionProperties) = ProxySession.Create(resolved.Account.Id, resolved.LinkId, scheme, upstream.Authentication,
            properties, time.GetUtcNow());
        if (!LocalUrl.IsLocal(sessionProperties.RedirectUri))
        {
            sessionProperties.RedirectUri = "/";
        }

        Log.SignedIn(logger, resolved.Account.Id, upstream.Protocol, upstream.Issuer);
        metrics.LoginSucceeded(upstream.Protocol, upstream.Issuer);
        return new AuthenticationTicket(principal, sessionProperties, SessionDefaults.Scheme);
    }
}
