using System.Security.Cryptography;
using System.Text.Json;
using AaiProxy.Saml;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.WebUtilities;

namespace AaiProxy.Server.Saml;

/// <summary>A request we sent to an IdP (AuthnRequest or LogoutRequest) and will accept one answer to.</summary>
/// <param name="RequestId">Our request's ID; the answer's InResponseTo must equal it.</param>
/// <param name="IdentityProvider">The IdP's entity ID.</param>
/// <param name="ReturnUrl">Where the person goes once the answer is handled (a local URL).</param>
/// <param name="ExpiresAt">After this the answer is treated as if no request were outstanding.</param>
/// <param name="RequestedContexts">Authentication context classes the request demanded (exact); the
/// assertion's AuthnContextClassRef must be one of them.</param>
internal sealed record PendingSamlRequest(string RequestId, string IdentityProvider, string ReturnUrl, DateTimeOffset ExpiresAt,
    IReadOnlyList<string> RequestedContexts);

/// <summary>
/// Binds requests we sent to the browser that sent them (Profiles 4.1.4.3: InResponseTo must answer
/// a request of this user agent). Each lives in its own data-protected cookie, named after a random
/// RelayState and scoped to the endpoint that receives the answer, so parallel logins in several
/// tabs do not overwrite each other and a response carried to another browser finds nothing there.
/// </summary>
internal sealed class PendingSamlRequests(IDataProtectionProvider dataProtection, ServiceProviderSettings serviceProvider, TimeProvider time)
{
    private const string CookiePrefix = "AaiProxy.Saml.";
    private const int MaxRelayStateLength = 64;

    private readonly IDataProtector _protector =
        dataProtection.CreateProtector("AaiProxy.Server.Saml", nameof(PendingSamlRequests), "v1");

    /// <summary>A fresh RelayState: the name under which a request is remembered.</summary>
    public static string NewRelayState() => WebEncoders.Base64UrlEncode(RandomNumberGenerator.GetBytes(16));

    /// <param name="answerPath">The endpoint that will receive the answer; the cookie is sent only there.</param>
    public void Remember(HttpContext context, string answerPath, string relayState, PendingSamlRequest request)
    {
        var payload = _protector.Protect(JsonSerializer.Serialize(request));
        context.Response.Cookies.Append(CookiePrefix + relayState, payload, CookieOptions(answerPath, request.ExpiresAt));
    }

    /// <summary>The request this browser remembers under <paramref name="relayState"/>, consumed; null when
    /// there is none, it was tampered with, or it expired.</summary>
    public PendingSamlRequest? Take(HttpContext context, string answerPath, string? relayState)
    {
        if (string.IsNullOrEmpty(relayState) || relayState.Length > MaxRelayStateLength || !IsCookieNameSafe(relayState))
        {
            return null;
        }

        var name = CookiePrefix + relayState;
        if (!context.Request.Cookies.TryGetValue(name, out var payload))
        {
            return null;
        }

        context.Response.Cookies.Delete(name, CookieOptions(answerPath, expiresAt: null));
        try
        {
            var request = JsonSerializer.Deserialize<PendingSamlRequest>(_protector.Unprotect(payload));
            return request is not null && request.ExpiresAt > time.GetUtcNow() ? request : null;
        }
        catch (Exception ex) when (ex is CryptographicException or JsonException)
        {
            return null;
        }
    }

    // The IdP's answer to an AuthnRequest is a cross-site POST: over HTTPS the cookie must be
    // SameSite=None (and Secure) to come along. Plain HTTP is only for local demos and tests, where
    // IdP and proxy share a site (the host; ports do not count) and Lax is enough. Decided by our
    // public ACS URL, not by the request: behind a TLS-terminating reverse proxy the request itself
    // arrives over plain HTTP.
    private CookieOptions CookieOptions(string path, DateTimeOffset? expiresAt) => new()
    {
        HttpOnly = true,
        Secure = PublicOverHttps,
        SameSite = PublicOverHttps ? SameSiteMode.None : SameSiteMode.Lax,
        Path = path,
        Expires = expiresAt,
        IsEssential = true,
    };

    private bool PublicOverHttps => serviceProvider.AssertionConsumerServiceUrl.Scheme == Uri.UriSchemeHttps;

    private static bool IsCookieNameSafe(string relayState) =>
        relayState.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');
}
