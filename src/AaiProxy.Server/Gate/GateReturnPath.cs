using AaiProxy.Server.Web;

namespace AaiProxy.Server.Gate;

/// <summary>
/// The <c>rd</c> of the gate's sign-in: where the browser goes afterwards, a path on the same download host. Anything a
/// browser could read as another origin is refused (no open redirect): an absolute URL, a scheme-relative
/// <c>//host</c>, a backslash (browsers read <c>/\host</c> as <c>//host</c>), control characters (they drop tab and
/// newline, so <c>/\t/host</c> is <c>//host</c>); a path into the sign-in itself would loop.
/// </summary>
public static class GateReturnPath
{
    /// <summary>Why <paramref name="returnPath"/> is refused, or null when it is a path on this host.</summary>
    public static string? Refusal(string returnPath)
    {
        if (returnPath.Length > LocalUrl.MaxLength)
            return $"is longer than {LocalUrl.MaxLength} characters";
        if (returnPath.Any(char.IsControl))
            return "contains control characters";
        if (returnPath.Contains('\\'))
            return "contains a backslash";
        if (!returnPath.StartsWith('/'))
            return "is not a path on this host (absolute URLs are refused)";
        if (returnPath.StartsWith("//", StringComparison.Ordinal))
            return "starts with '//', which names another host";
        if (returnPath.StartsWith(GateSignInPaths.Prefix + "/", StringComparison.OrdinalIgnoreCase) || returnPath.Equals(GateSignInPaths.Prefix, StringComparison.OrdinalIgnoreCase))
            return "points into the sign-in itself";
        return null;
    }
}
