using System.Net;
using System.Text.RegularExpressions;

namespace AaiProxy.Server.Tests.Infrastructure;

/// <summary>
/// The real upstream OpenID Provider of the test-run contract: node's oidc-provider started by
/// <c>tests/peers/oidc-provider.sh</c> (test.sh does it), its issuer in <c>AAIPROXY_TEST_OIDC_PROVIDER</c> and the
/// file with its client secret in <c>AAIPROXY_TEST_OIDC_PROVIDER_SECRET_FILE</c>. Without them a test needing it
/// is skipped, except with <c>CI=true</c>, where that is a failure. Tests using it are <c>[SkippableFact]</c>.
/// </summary>
public static partial class TestOidcProvider
{
    /// <summary>The provider's scheme id at the proxy; the peer registers <c>http://localhost/upstream/oidc/peer/…</c>.</summary>
    public const string SchemeId = "peer";
    public const string ClientId = "aaiproxy-test";
    public const string DisplayName = "Test OpenID Provider";

    private const string IssuerVariable = "AAIPROXY_TEST_OIDC_PROVIDER";
    private const string SecretFileVariable = "AAIPROXY_TEST_OIDC_PROVIDER_SECRET_FILE";

    /// <summary>True when the peer runs (tests that need it then get the issuer from <see cref="Issuer"/>).</summary>
    public static bool Available =>
        !string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable(IssuerVariable)) &&
        !string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable(SecretFileVariable));

    /// <summary>The issuer, or a skip (a failure with CI=true) naming how to start the peer.</summary>
    public static string Issuer
    {
        get
        {
            if (Available)
            {
                return Environment.GetEnvironmentVariable(IssuerVariable)!;
            }

            const string reason = IssuerVariable + " and " + SecretFileVariable + " are not set: start node's oidc-provider with " +
                                  "bash tests/peers/oidc-provider.sh start <dir> <port> http://localhost/upstream/oidc/peer and set them to " +
                                  "the printed issuer and client_secret_file.";
            if (string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase))
            {
                throw new InvalidOperationException("Required peer unavailable (CI=true): " + reason);
            }

            throw new SkipException(reason);
        }
    }

    /// <summary>The proxy's configuration for the peer as provider 0, or nothing when the peer is not running.</summary>
    public static Dictionary<string, string> ProxySettings() => !Available
        ? []
        : new()
        {
            ["AaiProxy:OpenIdConnectProviders:0:Id"] = SchemeId,
            ["AaiProxy:OpenIdConnectProviders:0:DisplayName"] = DisplayName,
            ["AaiProxy:OpenIdConnectProviders:0:Authority"] = Issuer,
            ["AaiProxy:OpenIdConnectProviders:0:ClientId"] = ClientId,
            ["AaiProxy:OpenIdConnectProviders:0:ClientSecretFile"] = Environment.GetEnvironmentVariable(SecretFileVariable)!,
            ["AaiProxy:OpenIdConnectProviders:0:AllowInsecureHttp"] = "true",
        };

    /// <summary>A browser at the provider (its own cookies; redirects followed step by step).</summary>
    public static HttpClient CreateBrowser() =>
        new(new HttpClientHandler { AllowAutoRedirect = false, CookieContainer = new CookieContainer(), UseCookies = true });

    /// <summary>
    /// Follows the browser at the provider from <paramref name="start"/> (its authorization or end-session endpoint)
    /// through its forms (devInteractions: login as <paramref name="login"/> when asked, consent; sign-out: yes) until it sends the browser
    /// away, and returns where to: the proxy's callback. <paramref name="loginFormShown"/> says whether the
    /// provider asked for a login (it does not when its own session is still good, unless forced).
    /// </summary>
    public static async Task<(Uri Callback, bool LoginFormShown)> InteractAsync(HttpClient providerBrowser, Uri start, string login)
    {
        var location = start;
        var loginFormShown = false;
        for (var step = 0; step < 12; step++)
        {
            if (!location.AbsoluteUri.StartsWith(Issuer, StringComparison.Ordinal))
            {
                return (location, loginFormShown);
            }

            using var response = await providerBrowser.GetAsync(location);
            if (response.Headers.Location is { } next)
            {
                location = new Uri(location, next);
                continue;
            }

            // devInteractions: one form per prompt, a login form (login, password) or the consent form.
            var page = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"The provider answered {(int)response.StatusCode}: {page}");
            var form = Form().Match(page);
            Assert.True(form.Success, "The provider's page has no form: " + page);
            var fields = UpstreamLogin.HiddenFields(form.Groups[2].Value);
            if (form.Groups[2].Value.Contains("name=\"login\"", StringComparison.Ordinal))
            {
                loginFormShown = true;
                fields["login"] = login;
                fields["password"] = "any password";
            }

            // The sign-out page's "Yes, sign me out" button (outside its form, which it names).
            if (page.Contains("value=\"yes\" name=\"logout\"", StringComparison.Ordinal))
            {
                fields["logout"] = "yes";
            }

            using var posted = await providerBrowser.PostAsync(new Uri(location, WebUtility.HtmlDecode(form.Groups[1].Value)),
                new FormUrlEncodedContent(fields));
            Assert.True(posted.Headers.Location is not null, $"The provider answered the form with {(int)posted.StatusCode}.");
            location = new Uri(location, posted.Headers.Location!);
        }

        throw new InvalidOperationException($"The provider did not send the browser back from {start}.");
    }

    [GeneratedRegex("<form[^>]*action=\"([^\"]+)\"[^>]*>(.*?)</form>", RegexOptions.Singleline)]
    private static partial Regex Form();
}
