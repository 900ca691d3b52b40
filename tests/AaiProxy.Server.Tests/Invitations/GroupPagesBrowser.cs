using System.Net;
using System.Text.RegularExpressions;
using AaiProxy.Server.Tests.Infrastructure;

namespace AaiProxy.Server.Tests.Invitations;

/// <summary>A browser on the proxy's own group pages: signs in through the demo IdP when a page asks, submits forms with their antiforgery token.</summary>
internal sealed partial class GroupPagesBrowser(ProxyFactory factory)
{
    public HttpClient Http { get; } = factory.CreateBrowser();

    /// <summary>GETs <paramref name="path"/>; when the page starts an upstream login, signs in as <paramref name="user"/> and comes back.</summary>
    public async Task<HttpResponseMessage> OpenAsync(string path, string user)
    {
        var response = await Http.GetAsync(path);
        if (response.StatusCode == HttpStatusCode.Redirect && UpstreamLogin.IsUpstreamLoginStart(Absolute(response.Headers.Location!)))
        {
            var back = await UpstreamLogin.SignInAsync(Http, Absolute(response.Headers.Location!), user);
            Assert.Equal(path, Absolute(back).PathAndQuery);
            response.Dispose();
            response = await Http.GetAsync(back);
        }

        return response;
    }

    public async Task<string> PageAsync(string path, string user)
    {
        using var response = await OpenAsync(path, user);
        var html = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{path} answered {(int)response.StatusCode}: {html}");
        return html;
    }

    /// <summary>POSTs to <paramref name="action"/> with the antiforgery token of <paramref name="page"/> (a page of this browser's).</summary>
    public Task<HttpResponseMessage> SubmitAsync(string page, string action, params (string Name, string Value)[] fields)
    {
        var token = AntiforgeryField().Match(page);
        Assert.True(token.Success, "The page has no antiforgery token.");
        var form = fields.Select(field => KeyValuePair.Create(field.Name, field.Value))
            .Prepend(KeyValuePair.Create(token.Groups[1].Value, WebUtility.HtmlDecode(token.Groups[2].Value)));
        return Http.PostAsync(action, new FormUrlEncodedContent(form));
    }

    public Uri Absolute(Uri location) => new(Http.BaseAddress!, location);

    /// <summary>The form action ending in <paramref name="suffix"/> on a page.</summary>
    public static string Action(string page, string suffix) =>
        WebUtility.HtmlDecode(FormAction().Matches(page).Select(match => match.Groups[1].Value).Single(action => action.EndsWith(suffix, StringComparison.Ordinal)));

    [GeneratedRegex("<input type=\"hidden\" name=\"(__RequestVerificationToken)\" value=\"([^\"]*)\"")]
    private static partial Regex AntiforgeryField();

    [GeneratedRegex("<form method=\"post\" action=\"([^\"]+)\"")]
    private static partial Regex FormAction();
}
