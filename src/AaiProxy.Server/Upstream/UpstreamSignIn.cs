using AaiProxy.Data;
using AaiProxy.Server.Operations;
using AaiProxy.Identity;
using AaiProxy.Server.Session;
using AaiProxy.Server.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace AaiProxy.Server.Upstream;

/// <summary>
/// The seam between upstream protocols and the proxy: every upstream handler ends by handing its validated
/// <see cref="UpstreamIdentity"/> here. It drops what no upstream may assert (the proxy's own entitlements,
/// entitlements an issuer is not allowed, non-REFEDS assurance) before anything is stored, then either links it to
/// the signed-in person's account (a link request from the account page), finds its account, creates one
/// (registration mode Automatic, or a pre-registered person) or leads to registration (<see cref="PendingRegistration"/>:
/// Interactive mode, or a new AUP version); refuses an account that may not sign in; and returns the proxy session's ticket.
/// </summary>
public sealed class UpstreamSignIn(ICommunityAccountResolver accounts, AccountStore store, UpstreamAttributeFilter filter,
    IOptions<RegistrationOptions> registration, IPreRegisteredIdentities preRegistered, TimeProvider time, ProxyMetrics metrics,
    ILogger<UpstreamSignIn> logger)
{
    /// <param name="scheme">The upstream scheme the person came through; sign-out dispatches on it.</param>
    /// <param name="properties">The challenge's properties (return URL, requested authentication, protocol items).</param>
    /// <exception cref="UpstreamLoginException">The account is not active (<c>access_denied</c> to the client), or the
    /// identity to link belongs to another account.</exception>
    public async Task<AuthenticationTicket> CreateSessionAsync(UpstreamIdentity upstream, string scheme, AuthenticationProperties properties,
        CancellationToken cancellationToken)
    {
        var filtered = filter.Filter(upstream);
        foreach (var dropped in filtered.Dropped)
        {
            Log.UpstreamValueDropped(logger, upstream.Issuer, dropped.Attribute, LogText.Untrusted(dropped.Value)!, dropped.Reason.ToString());
        }

        var kept = filtered.Kept;
        if (LinkRequest.AccountOf(properties) is { } linkTo)
        {
            await LinkAsync(linkTo, kept, cancellationToken);
        }

        var options = registration.Value;
        var resolved = await accounts.FindAsync(kept, cancellationToken);
        if (resolved is null)
        {
            if (options.Mode == RegistrationMode.Interactive && !preRegistered.IsPreRegistered(kept))
            {
                return Pending(kept, null, scheme, properties);
            }

            resolved = await accounts.RegisterAsync(kept, AccountRegistration.Automatic with { AupVersion = options.CurrentAupVersion }, cancellationToken);
        }

        if (resolved.Account.Status != AccountStatus.Active)
        {
            Log.SignInRefusedInactiveAccount(logger, resolved.Account.Id, resolved.Account.Status.ToString());
            throw new UpstreamLoginException(StatusCodes.Status403Forbidden, "account_not_active",
                "Your account at this service is suspended. Please contact the service's support.",
                "access_denied", "The person's account is not active.");
        }

        if (options.CurrentAupVersion is { } aup && !resolved.Account.HasAccepted(aup))
        {
            return Pending(kept, resolved.Account.Id, scheme, properties);
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

    private async Task LinkAsync(string accountId, UpstreamIdentity upstream, CancellationToken cancellationToken)
    {
        var outcome = await store.LinkAsync(accountId, upstream, cancellationToken);
        Log.LinkRequested(logger, accountId, upstream.Protocol, upstream.Issuer, outcome.ToString());
        if (outcome == LinkOutcome.LinkedElsewhere)
        {
            throw new UpstreamLoginException(StatusCodes.Status409Conflict, "identity_linked_elsewhere",
                "This identity is already linked to another account at this service, so it was not added to yours. " +
                "If both accounts are yours, ask the service's support to merge them.");
        }
    }

    private AuthenticationTicket Pending(UpstreamIdentity upstream, string? accountId, string scheme, AuthenticationProperties properties)
    {
        var returnUrl = LocalUrl.IsLocal(properties.RedirectUri) ? properties.RedirectUri! : "/";
        Log.RegistrationPending(logger, accountId ?? "(new)", upstream.Protocol, upstream.Issuer);
        return new PendingRegistration(upstream, accountId, returnUrl, PendingRegistration.NewNonce(), []).ToTicket(scheme, properties);
    }
}
