using System.Security.Claims;
using System.Text.Json;
using AaiProxy.Identity;
using AaiProxy.Server.Session;
using Microsoft.AspNetCore.Authentication;

namespace AaiProxy.Server.Upstream;

/// <summary>
/// The seam between an upstream login and registration (<c>Accounts/</c>): a person who signed in upstream
/// but has no account yet (registration mode Interactive), or has not accepted the current AUP, gets a session
/// cookie that names nobody (<see cref="ProxySession.ReadAsync"/> reads it as signed out) and carries this, protected
/// like any session ticket. Nothing is stored before the person confirms; abandoning leaves only a cookie that expires.
/// </summary>
/// <param name="Upstream">The filtered upstream identity, as it would be linked.</param>
/// <param name="AccountId">The existing account that must accept a new AUP version; null for a new person.</param>
/// <param name="ReturnUrl">Where the login was going (the authorization request).</param>
/// <param name="Nonce">Binds mailed verification links to this browser's registration.</param>
/// <param name="MailVerifiedEmails">Addresses confirmed by a mailed link during this registration.</param>
public sealed record PendingRegistration(UpstreamIdentity Upstream, string? AccountId, string ReturnUrl, string Nonce,
    IReadOnlyList<string> MailVerifiedEmails)
{
    /// <summary>Where the registration page is (the session ticket's redirect after the upstream login).</summary>
    public const string RegistrationPath = "/account/register";

    private const string MarkerClaim = "aaiproxy_registration";
    private const string ItemKey = "aaiproxy.registration";

    /// <summary>A session ticket that names nobody yet and leads to the registration page.</summary>
    public AuthenticationTicket ToTicket(string upstreamScheme, AuthenticationProperties properties)
    {
        var identity = new ClaimsIdentity(SessionDefaults.Scheme);
        identity.AddClaim(new Claim(MarkerClaim, "pending"));
        identity.AddClaim(new Claim(SessionClaims.UpstreamScheme, upstreamScheme));
        properties.Items[ItemKey] = JsonSerializer.Serialize(this);
        properties.RedirectUri = RegistrationPath;
        return new AuthenticationTicket(new ClaimsPrincipal(identity), properties, SessionDefaults.Scheme);
    }

    /// <summary>The pending registration of a session cookie, with its principal and properties; null when there is none.</summary>
    public static async Task<(PendingRegistration Pending, AuthenticationTicket Ticket)?> ReadAsync(HttpContext httpContext)
    {
        var result = await httpContext.AuthenticateAsync(SessionDefaults.Scheme);
        return result is { Succeeded: true, Ticket: { } ticket } && ticket.Principal.HasClaim(MarkerClaim, "pending") &&
               ticket.Properties.Items.TryGetValue(ItemKey, out var json) && json is not null &&
               JsonSerializer.Deserialize<PendingRegistration>(json) is { } pending
            ? (pending, ticket)
            : null;
    }

    public static string NewNonce() => Microsoft.AspNetCore.WebUtilities.WebEncoders.Base64UrlEncode(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16));

    /// <summary>The properties of the ticket without the pending registration (for the session the confirmation starts).</summary>
    public static AuthenticationProperties Without(AuthenticationProperties properties)
    {
        var kept = new AuthenticationProperties(new Dictionary<string, string?>(properties.Items));
        kept.Items.Remove(ItemKey);
        return kept;
    }
}

/// <summary>
/// People a user office registered already (the demo's Alice, Bob and Carol): in registration mode Interactive
/// their first login creates the account with the current AUP as accepted, without a registration page.
/// </summary>
public interface IPreRegisteredIdentities
{
    bool IsPreRegistered(UpstreamIdentity upstream);
}

internal sealed class NoPreRegisteredIdentities : IPreRegisteredIdentities
{
    public bool IsPreRegistered(UpstreamIdentity upstream) => false;
}

/// <summary>
/// A signed-in person adding another upstream identity to their account (the account page starts it): the
/// account id rides in the challenge's protected properties, so only this proxy can have put it there.
/// </summary>
public static class LinkRequest
{
    private const string ItemKey = "aaiproxy.link_to";

    public static AuthenticationProperties Mark(AuthenticationProperties properties, string accountId)
    {
        properties.Items[ItemKey] = accountId;
        return properties;
    }

    public static string? AccountOf(AuthenticationProperties properties) => properties.Items.TryGetValue(ItemKey, out var accountId) ? accountId : null;
}
