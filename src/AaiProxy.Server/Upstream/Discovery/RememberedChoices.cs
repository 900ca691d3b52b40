using System.Text;
using AaiProxy.Server.Configuration;
using AaiProxy.Server.Web;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Options;

namespace AaiProxy.Server.Upstream.Discovery;

/// <summary>
/// The providers a person chose before, newest first, in a cookie of this browser (one year), so that the login page
/// offers them first. The cookie holds provider ids only; each is looked up again among today's trusted choices, so
/// an edited cookie can only bring forward a provider the proxy trusts anyway.
/// </summary>
internal sealed class RememberedChoices(IOptions<ProxyOptions> proxy, ListeningOrigins origins, TimeProvider time)
{
    public const string BaseName = "AaiProxy.Idp";
    public const int Kept = 3;
    private const int MaxCookieLength = 3000;

    private bool Https => origins.PublicOriginIsHttps(proxy.Value);

    /// <summary><c>__Host-AaiProxy.Idp</c> over https.</summary>
    public string CookieName => ProxyCookies.Name(BaseName, Https);

    public IReadOnlyList<string> Read(HttpRequest request) => Parse(request.Cookies[CookieName]);

    /// <summary>Puts the chosen provider first, keeping the <see cref="Kept"/> newest.</summary>
    public void Remember(HttpContext httpContext, string provider)
    {
        var providers = Read(httpContext.Request).Where(known => known != provider).Prepend(provider).Take(Kept);
        httpContext.Response.Cookies.Append(CookieName, Format(providers), new CookieOptions
        {
            Path = "/",
            HttpOnly = true,
            Secure = Https,
            SameSite = SameSiteMode.Lax,
            Expires = time.GetUtcNow().AddYears(1),
            IsEssential = true,
        });
    }

    public static string Format(IEnumerable<string> providers) =>
        string.Join('.', providers.Select(provider => WebEncoders.Base64UrlEncode(Encoding.UTF8.GetBytes(provider))));

    /// <summary>The ids in a cookie value; anything malformed is ignored, never an error.</summary>
    public static IReadOnlyList<string> Parse(string? value)
    {
        if (string.IsNullOrEmpty(value) || value.Length > MaxCookieLength)
        {
            return [];
        }

        var providers = new List<string>();
        foreach (var part in value.Split('.', StringSplitOptions.RemoveEmptyEntries).Take(Kept))
        {
            try
            {
                providers.Add(Encoding.UTF8.GetString(WebEncoders.Base64UrlDecode(part)));
            }
            catch (FormatException)
            {
                // A cookie someone edited: that entry is skipped.
            }
        }

        return providers;
    }
}
