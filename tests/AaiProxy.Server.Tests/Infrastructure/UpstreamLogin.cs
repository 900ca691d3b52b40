using System.Net;
using System.Text.RegularExpressions;

namespace AaiProxy.Server.Tests.Infrastructure;

/// <summary>
/// THE way tests sign a person in upstream: given the proxy's login redirect, complete the upstream
/// login as <paramref name="user"/> and return where the browser goes next (back to the proxy).
/// Today it drives the development-only demo login page; when the SAML demo IdP replaces it, only
/// this helper changes.
/// </summary>
public static partial class UpstreamLogin
{
    public static async Task<Uri> SignInAsync(HttpClient browser, Uri loginPage, string user)
    {
        var page = await browser.GetStringAsync(loginPage);
        var form = new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = WebUtility.HtmlDecode(AntiforgeryField().Match(page).Groups[1].Value),
            ["returnUrl"] = WebUtility.HtmlDecode(ReturnUrlField().Match(page).Groups[1].Value),
            ["username"] = user,
        };
        using var response = await browser.PostAsync("/login", new FormUrlEncodedContent(form));
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        return response.Headers.Location!;
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryField();

    [GeneratedRegex("name=\"returnUrl\" value=\"([^\"]*)\"")]
    private static partial Regex ReturnUrlField();
}
