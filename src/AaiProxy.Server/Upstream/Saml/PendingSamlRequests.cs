using System.Security.Cryptography;
using System.Text.Json;
using AaiProxy.Saml;
using AaiProxy.Server.Web;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.WebUtilities;

namespace AaiProxy.Server.Upstream.Saml;

/// <summary>A request we sent to an IdP (AuthnRequest or LogoutRequest) and will accept one answer to.</summary>
/// <param name="RequestId">Our request's ID; the answer's InResponseTo must equal it.</param>
/// <param name="IdentityProvider">The IdP's entity ID; an answer issued by another IdP is refused.</param>
/// <param name="ExpiresAt">After this the answer is treated as if no request were outstanding.</param>
/// <param name="RequestedContexts">Authentication context classes the request demanded (exact); the
/// assertion's AuthnContextClassRef must be one of them.</param>
/// <param name="Items">The login's (or logout's) authentication properties: return URL, requested authentication.</param>
internal sealed record PendingSamlRequest(string RequestId, string IdentityProvider, DateTimeOffset ExpiresAt,
    IReadOnlyList<string> RequestedContexts, IDictionary<string, string?> Items);

/// <summary>
/// Binds requests we sent to the browser that sent them (Profiles 4.1.4.3: InResponseTo must answer a
/// request of this user agent). Each lives in its own data-protected cookie named after a random RelayState,
/// so parallel logins in several tabs do not overwrite each other and a response carried to another browser
/// finds nothing there. Over HTTPS the cookies are <c>__Host-</c> cookies (Path=/); a browser keeps at most
/// <see cref="MaxPerBrowser"/> of them, the oldest evicted, so repeated starts cannot grow its headers.
/// </summary>
internal sealed class PendingSamlRequests(IDataProtectionProvider dataProtection, ServiceProviderSettings serviceProvider, TimeProvider time)
{
    public const int MaxPerBrowser = 4;
    private const string BaseName = "AaiProxy.Saml.";
    private const int MaxRelayStateLength = 64;

    private readonly IDataProtector _protector =
        dataProtection.CreateProtector("AaiProxy.Server.Saml", nameof(PendingSamlRequests), "v1");

    /// <summary>A fresh RelayState: the name under which a request is remembered.</summary>
    public static string NewRelayState() => WebEncoders.Base64UrlEncode(RandomNumberGenerator.GetBytes(16));

    public void Remember(HttpContext context, string relayState, PendingSamlRequest request)
    {
        EvictOldest(context);
        var payload = _protector.Protect(JsonSerializer.Serialize(request));
        context.Response.Cookies.Append(Prefix + relayState, payload, CookieOptions(request.ExpiresAt));
    }

    /// <summary>The request this browser remembers under <paramref name="relayState"/>, consumed; null when
    /// there is none, it was tampered with, or it expired.</summary>
    public PendingSamlRequest? Take(HttpContext context, string? relayState)
    {
        if (string.IsNullOrEmpty(relayState) || relayState.Length > MaxRelayStateLength || !IsCookieNameSafe(relayState))
        {
            return null;
        }

        var name = Prefix + relayState;
        if (!context.Request.Cookies.TryGetValue(name, out var payload))
        {
            return null;
        }

        context.Response.Cookies.Delete(name, CookieOptions(expiresAt: null));
        return Read(payload) is { } request && request.ExpiresAt > time.GetUtcNow() ? request : null;
    }

    // Keeps room for one more: the oldest (or unreadable) pending requests of this browser go first.
    private void EvictOldest(HttpContext context)
    {
        var mine = context.Request.Cookies.Where(cookie => cookie.Key.StartsWith(Prefix, StringComparison.Ordinal))
            .Select(cookie => (cookie.Key, ExpiresAt: Read(cookie.Value)?.ExpiresAt ?? DateTimeOffset.MinValue))
            .OrderBy(cookie => cookie.ExpiresAt)
            .ToList();
        foreach (var (name, _) in mine.Take(Math.Max(0, mine.Count - (MaxPerBrowser - 1))))
        {
            context.Response.Cookies.Delete(name, CookieOptions(expiresAt: null));
        }
    }

    private PendingSamlRequest? Read(string payload)
    {
        try
        {
            return JsonSerializer.Deserialize<PendingSamlRequest>(_protector.Unprotect(payload));
        }
        catch (Exception ex) when (ex is CryptographicException or JsonException)
        {
            return null;
        }
    }

    private string Prefix => ProxyCookies.Name(BaseName, PublicOverHttps);

    // The IdP's answer to an AuthnRequest is a cross-site POST: over HTTPS the cookie must be
    // SameSite=None (and Secure) to come along. Plain HTTP is only for local demos and tests, where
    // IdP and proxy share a site (the host; ports do not count) and Lax is enough. Decided by our
    // public ACS URL, not by the request: behind a TLS-terminating reverse proxy the request itself
    // arrives over plain HTTP.
    private CookieOptions CookieOptions(DateTimeOffset? expiresAt) => new()
    {
        HttpOnly = true,
        Secure = PublicOverHttps,
        SameSite = PublicOverHttps ? SameSiteMode.None : SameSiteMode.Lax,
        Path = "/",
        Expires = expiresAt,
        IsEssential = true,
    };

    private bool PublicOverHttps => serviceProvider.AssertionConsumerServiceUrl.Scheme == Uri.UriSchemeHttps;

    private static bool IsCookieNameSafe(string relayState) =>
        relayState.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');
}
