using System.Net;
using AaiProxy.Server.Tests.Infrastructure;
using Microsoft.Extensions.Options;

namespace AaiProxy.Server.Tests;

/// <summary>
/// The cookie that binds an outstanding AuthnRequest to the browser must survive the IdP's cross-site
/// POST on a public HTTPS deployment, even when TLS ends at a reverse proxy in front of the node.
/// </summary>
public sealed class SamlRequestCookieTests(ProxyFixture fixture) : IClassFixture<ProxyFixture>
{
    [Fact]
    public async Task Login_on_a_public_https_deployment_binds_the_request_with_a_secure_same_site_none_cookie()
    {
        // The request reaches the node over plain HTTP (as behind a TLS terminator); the public origin is HTTPS.
        await using var factory = new ProxyFactory(fixture.Database, overrides: new Dictionary<string, string>
        {
            ["AaiProxy:Issuer"] = "https://aai.example.org/",
        });

        // {origin} in the demo portal's redirect URI is the issuer's origin.
        var cookie = await RequestCookieAsync(factory, "https://aai.example.org");

        Assert.Contains("secure", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=none", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.StartsWith("__Host-AaiProxy.Saml.", cookie, StringComparison.Ordinal);
        Assert.Contains("path=/;", cookie + ";", StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Login_on_a_plain_http_demo_binds_the_request_with_a_lax_cookie()
    {
        var cookie = await RequestCookieAsync(fixture.Factory, ProxyFactory.Origin);

        Assert.DoesNotContain("secure", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=lax", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.StartsWith("AaiProxy.Saml.", cookie, StringComparison.Ordinal);
        Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Startup_with_a_reverse_proxy_network_that_is_not_cidr_fails_with_the_key_to_fix()
    {
        await using var factory = new ProxyFactory(fixture.Database, overrides: new Dictionary<string, string>
        {
            ["AaiProxy:ReverseProxy:KnownNetworks:0"] = "10.0.0.0/33",
        });

        var failure = Assert.ThrowsAny<Exception>(() => factory.Server);

        var validation = Assert.IsType<OptionsValidationException>(failure is AggregateException aggregate ? aggregate.InnerException : failure);
        Assert.Contains("AaiProxy:ReverseProxy:KnownNetworks", validation.Message);
    }

    // The authorization request starts the SAML login (the demo IdP is the only one), which sets the cookie.
    private static async Task<string> RequestCookieAsync(ProxyFactory factory, string publicOrigin)
    {
        var browser = factory.CreateBrowser();
        var request = OidcTestClient.AuthorizationRequest(OidcTestClient.NewPkce());
        request["redirect_uri"] = publicOrigin + "/demo/portal/callback";
        using var login = await browser.GetAsync(Microsoft.AspNetCore.WebUtilities.QueryHelpers.AddQueryString("/connect/authorize", request));
        Assert.Equal(HttpStatusCode.Redirect, login.StatusCode);
        return Assert.Single(login.Headers.GetValues("Set-Cookie"), value => value.Contains("AaiProxy.Saml.", StringComparison.Ordinal));
    }
}
