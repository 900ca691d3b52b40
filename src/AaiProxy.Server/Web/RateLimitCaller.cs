using System.Net;
using System.Net.Http.Headers;
using System.Text;

namespace AaiProxy.Server.Web;

/// <summary>
/// Whose bucket a rate-limited request counts against: on the endpoints clients authenticate to, the client id the request
/// names (RFC 6749 §2.3.1: HTTP Basic, else the <c>client_id</c> form field), read without checking the secret — a
/// wrong secret still spends that client's budget, which bounds guessing it from any number of addresses; elsewhere, and
/// when no client id can be read cheaply, the caller's IP address (after forwarded headers from known proxies).
/// </summary>
internal static class RateLimitCaller
{
    /// <summary>Longer client ids are not believed (they would only make long Redis keys): such a request counts per IP.</summary>
    public const int MaxClientIdLength = 200;

    /// <summary>A form larger than this is not read before the limiter (a client authentication form is far smaller).</summary>
    public const long MaxFormBytes = 16 * 1024;

    private sealed record ClientIdFeature(string? ClientId);

    /// <summary>The partition subject: <c>client:ID</c> when <see cref="ReadClientIdAsync"/> found one, else <c>ip:ADDRESS</c>.</summary>
    public static string Of(HttpContext context) =>
        context.Features.Get<ClientIdFeature>()?.ClientId is { } clientId
            ? "client:" + clientId
            : "ip:" + (context.Connection.RemoteIpAddress?.ToString() ?? "unknown");

    /// <summary>Finds the client id a client-authenticated request names and remembers it for <see cref="Of"/>; the form, when
    /// read, stays cached for the endpoint.</summary>
    public static async Task ReadClientIdAsync(HttpContext context)
    {
        var request = context.Request;
        var clientId = FromBasic(request.Headers.Authorization.ToString());
        if (clientId is null && request.HasFormContentType && request.ContentLength is > 0 and <= MaxFormBytes)
        {
            try
            {
                var form = await request.ReadFormAsync(context.RequestAborted);
                clientId = Believable(form["client_id"].ToString());
            }
            catch (Exception exception) when (exception is InvalidDataException or IOException or BadHttpRequestException)
            {
                // A malformed body: the endpoint rejects it; it counts per IP address.
            }
        }

        context.Features.Set(new ClientIdFeature(clientId));
    }

    /// <summary>The client id of an HTTP Basic <c>Authorization</c> header (RFC 6749 §2.3.1: form-url-encoded, then
    /// <c>id:secret</c> in base64), or null.</summary>
    public static string? FromBasic(string? authorization)
    {
        if (!AuthenticationHeaderValue.TryParse(authorization, out var header) ||
            !string.Equals(header.Scheme, "Basic", StringComparison.OrdinalIgnoreCase) || header.Parameter is null)
        {
            return null;
        }

        string decoded;
        try
        {
            decoded = Encoding.UTF8.GetString(Convert.FromBase64String(header.Parameter));
        }
        catch (FormatException)
        {
            return null;
        }

        var colon = decoded.IndexOf(':', StringComparison.Ordinal);
        return colon <= 0 ? null : Believable(WebUtility.UrlDecode(decoded[..colon]));
    }

    private static string? Believable(string? clientId) =>
        string.IsNullOrWhiteSpace(clientId) || clientId.Length > MaxClientIdLength ? null : clientId;
}
