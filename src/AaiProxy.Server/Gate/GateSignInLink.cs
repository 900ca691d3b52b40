using Microsoft.Net.Http.Headers;

namespace AaiProxy.Server.Gate;

/// <summary>
/// Where the web server sends a browser that <c>/gate/check</c> answered 401: the sign-in on the same download host,
/// returning to the file. Only for a browser's navigation (<c>Sec-Fetch-Mode: navigate</c>, or without Fetch metadata an
/// <c>Accept</c> of <c>text/html</c>) without an <c>Authorization</c> header: a script keeps the plain 401 with its
/// <c>WWW-Authenticate: Bearer</c> challenge.
/// </summary>
public static class GateSignInLink
{
    /// <summary>The response header of <c>/gate/check</c> naming the link (nginx: <c>$upstream_http_x_aaiproxy_sign_in</c>).</summary>
    public const string Header = "X-AaiProxy-Sign-In";

    /// <summary>The link (a path on the download host) for <paramref name="originalUri"/>, or null when the caller is not a browser to send there.</summary>
    public static string? For(string originalUri, IHeaderDictionary headers)
    {
        if (headers.Authorization.Count > 0 || !IsNavigation(headers) || GateReturnPath.Refusal(originalUri) is not null)
            return null;
        return $"{GateSignInPaths.Start}?{GateSignInPaths.ReturnParameter}={Uri.EscapeDataString(originalUri)}";
    }

    private static bool IsNavigation(IHeaderDictionary headers)
    {
        var mode = headers["Sec-Fetch-Mode"].ToString();
        if (mode.Length > 0)
            return mode.Equals("navigate", StringComparison.OrdinalIgnoreCase);
        return headers[HeaderNames.Accept].ToString().Contains("text/html", StringComparison.OrdinalIgnoreCase);
    }
}
