using System.Globalization;
using System.Security.Cryptography;

namespace AaiProxy.Saml;

/// <summary>Identifiers and timestamps of the protocol messages we write.</summary>
public static class SamlProtocolValues
{
    public const string Version = "2.0";

    /// <summary>
    /// Core 1.3.4: an ID is an xs:ID (must not start with a digit) with at least 128 random bits,
    /// so "_" followed by 32 hex digits.
    /// </summary>
    public static string NewId() => "_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));

    /// <summary>Core 1.3.3: xs:dateTime in UTC, without fractional seconds (some peers choke on them).</summary>
    public static string FormatInstant(DateTimeOffset instant) =>
        instant.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    private static readonly string[] InstantFormats = ["yyyy-MM-dd'T'HH:mm:ss'Z'", "yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'"];

    /// <summary>Core 1.3.3: parses an xs:dateTime that must be in UTC ("Z"); false for anything else.</summary>
    public static bool TryParseInstant(string? value, out DateTimeOffset instant)
    {
        if (DateTime.TryParseExact(value, InstantFormats, CultureInfo.InvariantCulture,
                DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var utc))
        {
            instant = new DateTimeOffset(utc, TimeSpan.Zero);
            return true;
        }

        instant = default;
        return false;
    }
}
