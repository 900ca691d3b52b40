using System.Net;
using System.Text.RegularExpressions;
using AaiProxy.Server.Demo.IdentityProvider;
using AaiProxy.Server.Session;
using AaiProxy.Server.Tests.Infrastructure;
using AaiProxy.Server.Web;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using static AaiProxy.Server.Tests.Saml.SamlBrowserSteps;

namespace AaiProxy.Server.Tests.Upstream;

/// <summary>The review's fixes around starting, finishing and ending a login in a browser.</summary>
[Collection(Saml.PlainAssertionsProxyFixture.Collection)]
public sealed partial class LoginSecurityTests(Saml.PlainAssertionsProxyFixture fixture)
{
    private readonly ProxyFactory _factory = fixture.Factory;

    [Theory]
    [InlineData("/portal", true)]
    [InlineData("/connect/authorize?client_id=a&redirect_uri=https%3A%2F%2Fexample.org", true)]
    [InlineData("/", true)]
    [InlineData("~/portal", true)]
    [InlineData("/\t/evil.example", false)]
    [InlineData("/\n/evil.example", false)]
    [InlineData("//evil.example", false)]
    [InlineData("/\\evil.example", false)]
    [InlineData("~//evil.example", false)]
    [InlineData("https://evil.example/", false)]
    [InlineData("evil.example", false)]
    [InlineData("", false)]
    public void A_return_url_is_local_only_as_asp_net_core_judges_it(string url, bool local) =>
        Assert.Equal(local, LocalUrl.IsLocal(url));

    [Fact]
    public void A_return_url_longer_than_the_cap_is_not_local() =>
        Assert.False(LocalUrl.IsLocal("/" + new string('a', LocalUrl.MaxLength)));

    [Fact]
    public async Task The_login_page_takes_no_return_url_from_the_query_so_a_crafted_one_leads_nowhere()
    {
        // Before: /login?returnUrl=/%09/evil.example landed the person on another site after a genuine login.
        using var response = await _factory.CreateBrowser().GetAsync("/login?returnUrl=/%09/evil.example");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Null(response.Headers.Location);
        Assert.Contains("invalid_login_request", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Another_site_cannot_start_an_upstream_login_in_the_browser()
    {
        var browser = _factory.CreateBrowser();
        var entityId = _factory.Services.GetRequiredService<DemoIdentityProvider>().EntityId;

        // Before: a cross-site GET /saml/login?idp=… planted a pending-request cookie.
        using var get = await browser.GetAsync("/saml/login?idp=" + Uri.EscapeDataString(entityId));
        using var post = await browser.PostAsync("/login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["provider"] = entityId,
            ["request"] = "anything",
        }));

        Assert.Equal(HttpStatusCode.NotFound, get.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, post.StatusCode); // no antiforgery token
        Assert.False(get.Headers.Contains("Set-Cookie") && get.Headers.GetValues("Set-Cookie").Any(IsPendingRequestCookie));
        Assert.False(post.Headers.Contains("Set-Cookie") && post.Headers.GetValues("Set-Cookie").Any(IsPendingRequestCookie));
    }

    [Fact]
    public async Task A_browser_keeps_at_most_four_pending_sign_in_requests()
    {
        var cookies = new CookieContainer();
        var browser = _factory.CreateBrowser(cookies);

        // Before: each start added a ~680-byte cookie; 40 of them broke the ACS with HTTP 431.
        for (var attempt = 0; attempt < 12; attempt++)
        {
            await LoginPageAsync(browser);
        }

        var pending = cookies.GetAllCookies().Count(cookie => cookie.Name.StartsWith("AaiProxy.Saml.", StringComparison.Ordinal));
        Assert.InRange(pending, 1, 4);
    }

    [Fact]
    public async Task The_newest_of_many_pending_requests_still_completes()
    {
        var browser = _factory.CreateBrowser();
        for (var attempt = 0; attempt < 6; attempt++)
        {
            await LoginPageAsync(browser);
        }

        var afterLogin = await UpstreamLogin.SignInAsync(browser, await LoginPageAsync(browser), "alice");

        Assert.StartsWith("/connect/authorize?", afterLogin.OriginalString, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Oversized_post_to_the_acs_is_answered_413_with_a_page_and_one_log_line()
    {
        // Before: a 28 MB POST answered 500 with an unhandled InvalidDataException logged twice.
        var body = new ByteArrayContent(new byte[3 * 1024 * 1024]);
        body.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/x-www-form-urlencoded");
        using var response = await _factory.CreateBrowser().PostAsync("/saml/acs", body);

        var page = await ReadFailurePageAsync(response);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, page.Status);
        Assert.Single(_factory.Logs.Lines, line => line.Contains(page.CorrelationId, StringComparison.Ordinal));
        LogLine(_factory, page.CorrelationId, "exceeds the limit");
    }

    [Fact]
    public async Task Session_and_antiforgery_cookies_are_host_prefixed_and_secure_on_a_public_https_deployment()
    {
        await using var factory = new ProxyFactory(fixture.Database, overrides: new Dictionary<string, string>
        {
            ["AaiProxy:Issuer"] = "https://aai.example.org/",
            ["AaiProxy:Demo:EncryptAssertions"] = "false",
        });

        var session = factory.Services.GetRequiredService<IOptionsMonitor<CookieAuthenticationOptions>>().Get(SessionDefaults.Scheme);
        var antiforgery = factory.Services.GetRequiredService<IOptions<AntiforgeryOptions>>().Value;

        Assert.Equal("__Host-AaiProxy.Session", session.Cookie.Name);
        Assert.Equal(CookieSecurePolicy.Always, session.Cookie.SecurePolicy);
        Assert.Equal("/", session.Cookie.Path);
        Assert.Equal("__Host-AaiProxy.Antiforgery", antiforgery.Cookie.Name);
        Assert.Equal(CookieSecurePolicy.Always, antiforgery.Cookie.SecurePolicy);
    }

    [Fact]
    public async Task End_session_without_an_id_token_hint_asks_the_person_to_confirm_and_keeps_the_session()
    {
        var browser = _factory.CreateBrowser();
        await OidcTestClient.AuthorizeAsync(browser, AuthorizeUrl(), "alice");

        // Before: a bare GET /connect/logout (an image on any site) ended the session and started Single Logout.
        using var bare = await browser.GetAsync("/connect/logout");
        var page = await bare.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, bare.StatusCode);
        Assert.Contains("data-testid=\"confirm-sign-out\"", page);
        Assert.True(await IsSignedInAsync(browser));

        // Confirming (a POST with the page's antiforgery token) signs out through the IdP.
        using var confirmed = await browser.PostAsync("/connect/logout", new FormUrlEncodedContent(HiddenFields(page).Append(new("confirm", "yes"))));
        Assert.Equal(HttpStatusCode.Redirect, confirmed.StatusCode);
        Assert.Equal("/demo-idp/slo", confirmed.Headers.Location!.AbsolutePath);
        Assert.False(await IsSignedInAsync(browser));
    }

    [Fact]
    public async Task End_session_confirmation_without_the_antiforgery_token_is_asked_again()
    {
        var browser = _factory.CreateBrowser();
        await OidcTestClient.AuthorizeAsync(browser, AuthorizeUrl(), "alice");

        using var forged = await browser.PostAsync("/connect/logout", new FormUrlEncodedContent(new Dictionary<string, string> { ["confirm"] = "yes" }));

        Assert.Equal(HttpStatusCode.OK, forged.StatusCode);
        Assert.Contains("data-testid=\"confirm-sign-out\"", await forged.Content.ReadAsStringAsync());
        Assert.True(await IsSignedInAsync(browser));
    }

    [Fact]
    public async Task An_old_authn_instant_still_gives_a_whole_session_and_max_age_is_judged_by_it()
    {
        var browser = _factory.CreateBrowser();
        var form = await ObtainResponseAsync(browser, "alice");
        var tenHoursAgo = DateTimeOffset.UtcNow.AddHours(-10);

        // Before: the session's lifetime counted from AuthnInstant, so this session was born expired (a login loop).
        using var consumed = await UpstreamLogin.PostToAcsAsync(browser, form.WithResponse(IssuedByTheDemoIdentityProvider(_factory, form.ResponseXml(), authnInstant: tenHoursAgo)));
        Assert.Equal(HttpStatusCode.Redirect, consumed.StatusCode);
        using var completed = await browser.GetAsync(consumed.Headers.Location);
        var callback = AuthenticationRequirementTests.AssertRedirectedToClient(completed);
        Assert.True(OidcTestClient.Query(callback).ContainsKey("code"));

        // max_age counts from when the person authenticated at the IdP: ten hours is more than one.
        var request = OidcTestClient.AuthorizationRequest(OidcTestClient.NewPkce());
        request["max_age"] = "3600";
        using var again = await browser.GetAsync(QueryHelpers.AddQueryString("/connect/authorize", request));
        Assert.Equal(UpstreamLogin.DemoIdentityProviderSignOn, again.Headers.Location!.AbsolutePath);
    }

    private static bool IsPendingRequestCookie(string setCookie) => setCookie.Contains("AaiProxy.Saml.", StringComparison.Ordinal);

    private static IEnumerable<KeyValuePair<string, string>> HiddenFields(string html) =>
        HiddenField().Matches(html).Select(match => new KeyValuePair<string, string>(
            WebUtility.HtmlDecode(match.Groups[1].Value), WebUtility.HtmlDecode(match.Groups[2].Value)));

    [GeneratedRegex("<input type=\"hidden\" name=\"([^\"]+)\" value=\"([^\"]*)\"")]
    private static partial Regex HiddenField();
}
