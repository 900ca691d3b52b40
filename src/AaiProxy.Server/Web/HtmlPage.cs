using System.Net;
using System.Text;
using AaiProxy.Server.Configuration;
using Microsoft.Extensions.Options;

namespace AaiProxy.Server.Web;

/// <summary>
/// Server-rendered pages, all in one layout branded by the operator (<see cref="BrandingOptions"/>):
/// a header with logo and product name, a skip link, the page's <c>h1</c> and body in <c>main</c>, a footer
/// with the operator's text and links; the stylesheet is <see cref="BrandingAssets.StylesheetPath"/>.
/// Every interpolated value goes through <see cref="Encode"/>.
/// </summary>
internal static class HtmlPage
{
    public static IResult Render(string title, string body, int statusCode = StatusCodes.Status200OK) =>
        new PageResult(title, body, statusCode);

    public static string Encode(string? value) => WebUtility.HtmlEncode(value ?? "");

    /// <summary>The whole document: layout around <paramref name="body"/>.</summary>
    public static string Compose(BrandingOptions branding, bool hasLogo, string title, string body)
    {
        var html = new StringBuilder(body.Length + 1024);
        html.Append("<!doctype html>\n<html lang=\"").Append(Encode(branding.Language)).Append("\">\n<head><meta charset=\"utf-8\">")
            .Append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
            .Append("<title>").Append(Encode(title)).Append(" · ").Append(Encode(branding.ProductName)).Append("</title>")
            .Append("<link rel=\"stylesheet\" href=\"").Append(BrandingAssets.StylesheetPath).Append("\">")
            .Append("</head>\n<body>\n<a class=\"skip-link\" href=\"#main\">Skip to content</a>\n")
            .Append("<header class=\"site-header\"><a class=\"brand\" href=\"/\">");
        if (hasLogo)
        {
            // Decorative: the product name next to it says the same.
            html.Append("<img src=\"").Append(BrandingAssets.LogoPath).Append("\" alt=\"\">");
        }

        html.Append("<span>").Append(Encode(branding.ProductName)).Append("</span></a></header>\n")
            .Append("<main id=\"main\"><h1>").Append(Encode(title)).Append("</h1>\n").Append(body).Append("\n</main>\n");
        if (branding.FooterText is not null || branding.Links.Count > 0)
        {
            html.Append("<footer class=\"site-footer\">");
            if (branding.FooterText is not null)
            {
                html.Append("<p>").Append(Encode(branding.FooterText)).Append("</p>");
            }

            if (branding.Links.Count > 0)
            {
                html.Append("<nav aria-label=\"Site links\"><ul>");
                foreach (var link in branding.Links)
                {
                    html.Append("<li><a href=\"").Append(Encode(link.Url?.AbsoluteUri)).Append("\">").Append(Encode(link.Text)).Append("</a></li>");
                }

                html.Append("</ul></nav>");
            }

            html.Append("</footer>\n");
        }

        return html.Append("</body></html>").ToString();
    }

    /// <summary>A table of claims, one row per value, marked up for people and for browser tests:
    /// <c>data-token</c> names the token, each value sits in its own <c>data-claim</c> element.</summary>
    public static string ClaimsTable(string token, IEnumerable<KeyValuePair<string, string>> rows)
    {
        var html = new StringBuilder("<div class=\"table-scroll\"><table data-token=\"").Append(Encode(token))
            .Append("\"><caption>").Append(Encode(token)).Append("</caption><tr><th scope=\"col\">claim</th><th scope=\"col\">value</th></tr>");
        foreach (var (name, value) in rows)
        {
            html.Append("<tr><td><code>").Append(Encode(name)).Append("</code></td><td><code data-claim=\"").Append(Encode(name))
                .Append("\">").Append(Encode(value)).Append("</code></td></tr>");
        }

        return html.Append("</table></div>").ToString();
    }

    /// <summary>Reads the branding when the page is written, so pages stay plain functions of their data.</summary>
    private sealed class PageResult(string title, string body, int statusCode) : IResult, IStatusCodeHttpResult, IContentTypeHttpResult
    {
        public int? StatusCode => statusCode;

        public string ContentType => "text/html; charset=utf-8";

        public Task ExecuteAsync(HttpContext httpContext)
        {
            var branding = httpContext.RequestServices.GetRequiredService<IOptions<ProxyOptions>>().Value.Branding;
            httpContext.Response.StatusCode = statusCode;
            httpContext.Response.ContentType = ContentType;
            return httpContext.Response.WriteAsync(Compose(branding, branding.LogoFile is not null, title, body), Encoding.UTF8);
        }
    }
}
