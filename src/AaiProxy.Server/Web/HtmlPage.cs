using System.Net;
using System.Text;

namespace AaiProxy.Server.Web;

/// <summary>Minimal server-rendered pages. Every interpolated value goes through <see cref="Encode"/>.</summary>
internal static class HtmlPage
{
    private const string Style =
        "body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem}" +
        "table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.25rem .5rem;text-align:left;vertical-align:top}" +
        "code{word-break:break-all}";

    public static IResult Render(string title, string body, int statusCode = StatusCodes.Status200OK) =>
        Results.Content(
            $"""
            <!doctype html>
            <html lang="en">
            <head><meta charset="utf-8"><title>{Encode(title)} · AaiProxy</title>
            <style>{Style}</style>
            </head>
            <body><h1>{Encode(title)}</h1>
            {body}
            </body></html>
            """,
            "text/html; charset=utf-8",
            Encoding.UTF8,
            statusCode);

    public static string Encode(string? value) => WebUtility.HtmlEncode(value ?? "");

    /// <summary>A table of claims, one row per value, marked up for people and for browser tests:
    /// <c>data-token</c> names the token, each value sits in its own <c>data-claim</c> element.</summary>
    public static string ClaimsTable(string token, IEnumerable<KeyValuePair<string, string>> rows)
    {
        var html = new StringBuilder("<table data-token=\"").Append(Encode(token)).Append("\"><tr><th>claim</th><th>value</th></tr>");
        foreach (var (name, value) in rows)
        {
            html.Append("<tr><td><code>").Append(Encode(name)).Append("</code></td><td><code data-claim=\"").Append(Encode(name))
                .Append("\">").Append(Encode(value)).Append("</code></td></tr>");
        }

        return html.Append("</table>").ToString();
    }
}
