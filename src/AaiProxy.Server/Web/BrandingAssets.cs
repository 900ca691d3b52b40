using System.Security.Cryptography;
using System.Text;
using AaiProxy.Server.Configuration;
using Microsoft.Extensions.Options;

namespace AaiProxy.Server.Web;

/// <summary>The layout's stylesheet (built once from the branding colours) and the operator's logo, served
/// by the proxy itself with ETags. Responsive, visible focus, AA contrast (colours are checked at start).</summary>
internal sealed class BrandingAssets(IOptions<ProxyOptions> options)
{
    public const string StylesheetPath = "/assets/site.css";
    public const string LogoPath = "/assets/logo";

    private readonly Lazy<Asset> stylesheet = new(() => Asset.Of("text/css; charset=utf-8", Encoding.UTF8.GetBytes(Stylesheet(options.Value.Branding))));
    private readonly Lazy<Asset?> logo = new(() => options.Value.Branding.LogoFile is { } file
        ? Asset.Of(BrandingOptionsValidation.LogoContentTypes[Path.GetExtension(file)], File.ReadAllBytes(file))
        : null);

    public static string Stylesheet(BrandingOptions branding) =>
        $$$"""
        :root{--primary:{{{branding.PrimaryColor}}};--header:{{{branding.HeaderColor}}};--header-text:{{{branding.HeaderTextColor}}}}
        *{box-sizing:border-box}
        body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;line-height:1.5;color:#1a1a1a;background:#fff;margin:0}
        .skip-link{position:absolute;left:-10000px;top:auto}
        .skip-link:focus{left:1rem;top:1rem;background:#fff;color:#1a1a1a;padding:.5rem 1rem;z-index:10}
        .site-header{background:var(--header);padding:.75rem 1rem}
        .site-header .brand{color:var(--header-text);text-decoration:none;font-weight:600;font-size:1.15rem;display:inline-flex;align-items:center;gap:.6rem}
        .site-header img{max-height:2.5rem;width:auto}
        main{max-width:62rem;margin:0 auto;padding:1rem}
        .site-footer{max-width:62rem;margin:2rem auto 0;padding:1rem;border-top:1px solid #c4c4c4;color:#3d3d3d;font-size:.9rem}
        .site-footer ul{list-style:none;padding:0;margin:0;display:flex;flex-wrap:wrap;gap:1rem}
        a{color:var(--primary)}
        a:focus-visible,button:focus-visible,input:focus-visible,select:focus-visible,textarea:focus-visible,[tabindex]:focus-visible{outline:3px solid var(--primary);outline-offset:2px}
        .site-header a:focus-visible{outline-color:var(--header-text)}
        button,.button{background:var(--primary);color:#fff;border:1px solid var(--primary);border-radius:.25rem;padding:.5rem 1rem;font:inherit;cursor:pointer;text-decoration:none;display:inline-block}
        button.secondary,.button.secondary{background:#fff;color:var(--primary)}
        input,select,textarea{font:inherit;padding:.4rem .5rem;border:1px solid #767676;border-radius:.25rem;max-width:100%}
        label{font-weight:600}
        fieldset{border:1px solid #c4c4c4;border-radius:.25rem}
        table{border-collapse:collapse}
        caption{text-align:left;font-weight:600;padding:.25rem 0}
        td,th{border:1px solid #c4c4c4;padding:.25rem .5rem;text-align:left;vertical-align:top}
        code{word-break:break-all}
        .table-scroll{overflow-x:auto;max-width:100%}
        .visually-hidden{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
        @media (max-width:40rem){main{padding:.5rem}td,th{padding:.2rem .3rem}button,.button{width:100%;margin:.2rem 0}}
        """;

    public static IEndpointRouteBuilder Map(IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet(StylesheetPath, (HttpContext httpContext, BrandingAssets assets) => assets.stylesheet.Value.Write(httpContext));
        endpoints.MapGet(LogoPath, (HttpContext httpContext, BrandingAssets assets) =>
            assets.logo.Value is { } logo ? logo.Write(httpContext) : Results.NotFound());
        return endpoints;
    }

    private sealed record Asset(string ContentType, byte[] Content, string ETag)
    {
        public static Asset Of(string contentType, byte[] content) =>
            new(contentType, content, $"\"{Convert.ToHexStringLower(SHA256.HashData(content))[..32]}\"");

        public IResult Write(HttpContext httpContext)
        {
            httpContext.Response.Headers.CacheControl = "public, max-age=3600";
            httpContext.Response.Headers.ETag = ETag;
            return httpContext.Request.Headers.IfNoneMatch.Contains(ETag)
                ? Results.StatusCode(StatusCodes.Status304NotModified)
                : Results.Bytes(Content, ContentType);
        }
    }
}
