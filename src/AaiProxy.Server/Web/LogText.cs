namespace AaiProxy.Server.Web;

/// <summary>Text that a peer or a client chose, made safe for a log line.</summary>
internal static class LogText
{
    private const int MaxUntrustedLength = 300;

    /// <summary>Text a peer chose or that quotes a peer's message (a status message, an entity ID or a
    /// client_id from the query, a validator's reason): control characters replaced, length bounded, so it
    /// can neither forge log lines nor flood the log.</summary>
    public static string? Untrusted(string? text) =>
        text is null
            ? null
            : new string([.. text.Take(MaxUntrustedLength).Select(c => char.IsControl(c) ? '?' : c)]) +
              (text.Length > MaxUntrustedLength ? "\u2026" : "");
}
