using System.Net;
using System.Text.RegularExpressions;

namespace AaiProxy.Server.Tests.Infrastructure;

/// <summary>
/// THE way tests sign a person in upstream: given the proxy's login redirect, complete the upstream
/// login as <paramref name="user"/> and return where the browser goes next (back to the proxy). It
/// walks the real SAML exchange with the development-only demo IdP: the signed AuthnRequest, the IdP's
/// user choice (with antiforgery), the signed and encrypted Response posted to the ACS.
/// </summary>
public static partial class UpstreamLogin
{
    public static async Task<Uri> SignInAsync(HttpClient browser, Uri loginPage, string user)
    {
        var idpLoginPage = await FollowRedirectsAsync(browser, loginPage);
        var page = await browser.GetStringAsync(idpLoginPage);
        var choice = HiddenFields(page);
        choice["username"] = user;

        using var answer = await browser.PostAsync(idpLoginPage.GetLeftPart(UriPartial.Path), new FormUrlEncodedContent(choice));
        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        var form = await answer.Content.ReadAsStringAsync();
        var acs = WebUtility.HtmlDecode(FormAction().Match(form).Groups[1].Value);

        using var consumed = await browser.PostAsync(acs, new FormUrlEncodedContent(HiddenFields(form)));
        Assert.True(consumed.StatusCode == HttpStatusCode.Redirect,
            $"The ACS answered {(int)consumed.StatusCode}: {await consumed.Content.ReadAsStringAsync()}");
        return consumed.Headers.Location!;
    }

    /// <summary>From /login through /saml/login to the demo IdP's page (each step a redirect).</summary>
    private static async Task<Uri> FollowRedirectsAsync(HttpClient browser, Uri start)
    {
        var location = start;
        for (var hop = 0; hop < 5; hop++)
        {
            using var response = await browser.GetAsync(location);
            if (response.StatusCode != HttpStatusCode.Redirect)
            {
                return location;
            }

            location = new Uri(browser.BaseAddress!, response.Headers.Location!);
        }

        throw new InvalidOperationException($"Too many redirects from {start}.");
    }

    private static Dictionary<string, string> HiddenFields(string html) =>
        HiddenField().Matches(html).ToDictionary(match => match.Groups[1].Value, match => WebUtility.HtmlDecode(match.Groups[2].Value));

    [GeneratedRegex("<input type=\"hidden\" name=\"([^\"]+)\" value=\"([^\"]*)\"")]
    private static partial Regex HiddenField();

    [GeneratedRegex("<form method=\"post\" action=\"([^\"]+)\"")]
    private static partial Regex FormAction();
}
