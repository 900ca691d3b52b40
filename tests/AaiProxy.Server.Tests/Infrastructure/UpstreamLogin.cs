using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using System.Xml;

namespace AaiProxy.Server.Tests.Infrastructure;

/// <summary>
/// THE way tests sign a person in upstream: given the proxy's login redirect, complete the upstream
/// login as <paramref name="user"/> and return where the browser goes next (back to the proxy). It
/// walks the real SAML exchange with the development-only demo IdP: the signed AuthnRequest, the IdP's
/// user choice (with antiforgery), the signed and encrypted Response posted to the ACS.
/// </summary>
public static partial class UpstreamLogin
{
    /// <summary>Where an upstream login starts in the tests: the demo IdP (the only IdP, so the authorization
    /// endpoint goes straight there), or the login page when there is a choice.</summary>
    public const string DemoIdentityProviderSignOn = "/demo-idp/sso";

    public static bool IsUpstreamLoginStart(Uri location) =>
        location.AbsolutePath is DemoIdentityProviderSignOn or "/login";

    public static async Task<Uri> SignInAsync(HttpClient browser, Uri loginPage, string user)
    {
        using var consumed = await PostToAcsAsync(browser, await ObtainResponseAsync(browser, loginPage, user));
        Assert.True(consumed.StatusCode == HttpStatusCode.Redirect,
            $"The ACS answered {(int)consumed.StatusCode}: {await consumed.Content.ReadAsStringAsync()}");
        return consumed.Headers.Location!;
    }

    /// <summary>
    /// Everything up to the IdP's answer: the auto-posting form the demo IdP gives the browser, not yet
    /// posted (tests tamper with it, post it twice, or post it from another browser).
    /// </summary>
    public static async Task<AcsForm> ObtainResponseAsync(HttpClient browser, Uri loginPage, string user)
    {
        var idpLoginPage = await FollowRedirectsAsync(browser, loginPage);
        var page = await browser.GetStringAsync(idpLoginPage);
        var choice = HiddenFields(page);
        choice["username"] = user;

        using var answer = await browser.PostAsync(idpLoginPage.GetLeftPart(UriPartial.Path), new FormUrlEncodedContent(choice));
        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        var form = await answer.Content.ReadAsStringAsync();
        return new AcsForm(new Uri(WebUtility.HtmlDecode(FormAction().Match(form).Groups[1].Value)), HiddenFields(form));
    }

    /// <summary>What the browser's auto-submit does with the IdP's form (HTTP-POST binding).</summary>
    public static Task<HttpResponseMessage> PostToAcsAsync(HttpClient browser, AcsForm form) =>
        browser.PostAsync(form.Action, new FormUrlEncodedContent(form.Fields));

    /// <summary>From the login start to the demo IdP's page (following any redirects).</summary>
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

    public static Dictionary<string, string> HiddenFields(string html) =>
        HiddenField().Matches(html).ToDictionary(match => match.Groups[1].Value, match => WebUtility.HtmlDecode(match.Groups[2].Value));

    [GeneratedRegex("<input type=\"hidden\" name=\"([^\"]+)\" value=\"([^\"]*)\"")]
    private static partial Regex HiddenField();

    [GeneratedRegex("<form method=\"post\" action=\"([^\"]+)\"")]
    private static partial Regex FormAction();
}

/// <summary>The IdP's HTTP-POST form for the ACS: its action and fields (SAMLResponse, RelayState).</summary>
public sealed record AcsForm(Uri Action, IReadOnlyDictionary<string, string> Fields)
{
    public string SamlResponse => Fields["SAMLResponse"];

    /// <summary>The Response as XML (the demo IdP's own bytes; tests read and alter it, the proxy never sees this DOM).</summary>
    public XmlDocument ResponseXml()
    {
        var document = new XmlDocument { PreserveWhitespace = true, XmlResolver = null };
        document.LoadXml(Encoding.UTF8.GetString(Convert.FromBase64String(SamlResponse)));
        return document;
    }

    /// <summary>The same form carrying <paramref name="response"/> instead (e.g. after tampering).</summary>
    public AcsForm WithResponse(XmlDocument response) =>
        this with
        {
            Fields = new Dictionary<string, string>(Fields)
            {
                ["SAMLResponse"] = Convert.ToBase64String(Encoding.UTF8.GetBytes(response.OuterXml)),
            },
        };
}
