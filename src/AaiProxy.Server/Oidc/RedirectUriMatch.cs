using System.Text.RegularExpressions;

namespace AaiProxy.Server.Oidc;

/// <summary>
/// Whether a redirect URI in a request is one the client registered: the same string, character for character
/// (<c>http://localhost:5341</c> and <c>http://localhost:5341/</c> are different registrations). For a native
/// public client a registered loopback URI (<c>http</c> to <c>127.0.0.1</c>, <c>[::1]</c> or <c>localhost</c>)
/// matches on any port, since the program listens on whichever port is free when it starts (RFC 8252 §7.3);
/// scheme, host, path and query still match exactly.
/// </summary>
internal static partial class RedirectUriMatch
{
    public static bool Matches(string registered, string requested, bool anyLoopbackPort)
    {
        if (string.Equals(registered, requested, StringComparison.Ordinal))
        {
            return true;
        }

        return anyLoopbackPort && Loopback(registered) is { } want && Loopback(requested) is { } got &&
               string.Equals(want.Host, got.Host, StringComparison.OrdinalIgnoreCase) &&
               string.Equals(want.Tail, got.Tail, StringComparison.Ordinal);
    }

    /// <summary>Host and everything after the port of an <c>http</c> loopback URI; null for any other URI.</summary>
    public static (string Host, string Tail)? Loopback(string uri) =>
        LoopbackUri().Match(uri) is { Success: true } match ? (match.Groups["host"].Value, match.Groups["rest"].Value) : null;

    [GeneratedRegex(@"^http://(?<host>127\.0\.0\.1|\[::1\]|localhost)(?::[0-9]{1,5})?(?<rest>(?:[/?].*)?)$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex LoopbackUri();
}
