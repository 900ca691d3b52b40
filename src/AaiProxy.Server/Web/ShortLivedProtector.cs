using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.AspNetCore.DataProtection;

namespace AaiProxy.Server.Web;

/// <summary>
/// A value carried through the browser (a query parameter, a hidden field) data-protected and short-lived:
/// the browser can neither read nor alter it, and a stale copy is refused. Expiry follows the injected
/// <see cref="TimeProvider"/>.
/// </summary>
internal sealed class ShortLivedProtector<T>(IDataProtectionProvider dataProtection, TimeProvider time, string purpose, TimeSpan lifetime)
    where T : class
{
    private readonly IDataProtector _protector = dataProtection.CreateProtector("AaiProxy.Server", purpose, "v1");

    private sealed record Envelope(T Value, DateTimeOffset ExpiresAt);

    public string Protect(T value) => _protector.Protect(JsonSerializer.Serialize(new Envelope(value, time.GetUtcNow() + lifetime)));

    /// <returns>The value, or null when the text is missing, not ours, altered or expired.</returns>
    public T? Unprotect(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return null;
        }

        try
        {
            return JsonSerializer.Deserialize<Envelope>(_protector.Unprotect(text)) is { } envelope && envelope.ExpiresAt > time.GetUtcNow()
                ? envelope.Value
                : null;
        }
        catch (Exception ex) when (ex is CryptographicException or JsonException or FormatException)
        {
            return null;
        }
    }
}
