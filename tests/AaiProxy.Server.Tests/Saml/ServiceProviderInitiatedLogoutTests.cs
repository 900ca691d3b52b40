using System.Net;
using System.Security.Cryptography.X509Certificates;
using System.Text.RegularExpressions;
using AaiProxy.Saml;
using AaiProxy.Saml.Bindings;
using AaiProxy.Saml.Logout;
using AaiProxy.Server.Demo.IdentityProvider;
using AaiProxy.Server.Tests.Infrastructure;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.DependencyInjection;
using static AaiProxy.Server.Tests.Saml.SamlBrowserSteps;

namespace AaiProxy.Server.Tests.Saml;

/// <summary>
/// Sign-out started at a client (OIDC end session) goes to the IdP with a LogoutRequest. When the IdP's
/// answer cannot be trusted (unsigned, Profiles 4.4.4.2) or reports a partial logout, the person learns
/// that only this service signed them out, and can still continue to the client.
/// </summary>
public sealed partial class ServiceProviderInitiatedLogoutTests(ProxyFixture fixture) : IClassFixture<ProxyFixture>
{
    private readonly DemoIdentityProvider _idp = fixture.Factory.Services.GetRequiredService<DemoIdentityProvider>();
    private readonly ServiceProviderSettings _serviceProvider = fixture.Factory.Services.GetRequiredService<ServiceProviderSettings>();

    [Fact]
    public async Task Unsigned_logout_response_is_not_trusted_but_the_person_is_told_they_are_signed_out_here()
    {
        var (browser, request) = await SignOutAtTheClientAsync();

        using var answer = await browser.GetAsync(Answer(request, SamlStatusCodes.Success, secondLevel: null, signingCertificate: null));

        await AssertSignedOutHereOnlyAsync(browser, answer, "could not be verified");
        Assert.Contains(fixture.Factory.Logs.Lines, line => line.Contains("SAML logout message rejected", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Partial_logout_at_the_identity_provider_is_reported_and_the_person_can_continue()
    {
        var (browser, request) = await SignOutAtTheClientAsync();

        using var answer = await browser.GetAsync(Answer(request, SamlStatusCodes.Success, SamlStatusCodes.PartialLogout,
            _idp.SigningCertificate));

        await AssertSignedOutHereOnlyAsync(browser, answer, "could not end every session");
    }

    // Signs alice in, then follows the client's end-session request to the point where the proxy sends
    // the browser to the IdP: returns that LogoutRequest instead of letting the demo IdP answer it.
    private async Task<(HttpClient Browser, HttpRedirectMessage Request)> SignOutAtTheClientAsync()
    {
        var browser = fixture.Factory.CreateBrowser();
        var tokens = await new OidcTestClient(fixture.Factory).CodeFlowAsync("alice", browser: browser);
        using var endSession = await browser.GetAsync(QueryHelpers.AddQueryString("/connect/logout", new Dictionary<string, string?>
        {
            ["id_token_hint"] = tokens.GetProperty("id_token").GetString(),
            ["post_logout_redirect_uri"] = ProxyFactory.Origin + "/demo/portal",
            ["state"] = "bye",
        }));
        Assert.Equal(HttpStatusCode.Redirect, endSession.StatusCode);
        var toIdp = endSession.Headers.Location!.OriginalString;
        Assert.StartsWith(_idp.SingleLogoutUrl.AbsoluteUri + "?", toIdp, StringComparison.Ordinal);
        return (browser, HttpRedirectBinding.Decode(toIdp[(toIdp.IndexOf('?') + 1)..]));
    }

    private string Answer(HttpRedirectMessage request, string status, string? secondLevel, X509Certificate2? signingCertificate) =>
        LogoutResponseWriter.EncodeRedirect(_idp.EntityId, _serviceProvider.SingleLogoutServiceUrl,
            request.Document.DocumentElement!.GetAttribute("ID"), status, secondLevel, request.RelayState, signingCertificate,
            DateTimeOffset.UtcNow);

    private static async Task AssertSignedOutHereOnlyAsync(HttpClient browser, HttpResponseMessage answer, string reason)
    {
        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        var html = await answer.Content.ReadAsStringAsync();
        Assert.Contains("You are signed out of this service.", html);
        Assert.Contains(reason, html);
        Assert.False(await IsSignedInAsync(browser));

        // Continue completes the client's end-session request: back to its post-logout URI with its state.
        var continueUrl = System.Net.WebUtility.HtmlDecode(ContinueLink().Match(html).Groups[1].Value);
        Assert.StartsWith("/connect/logout?", continueUrl, StringComparison.Ordinal);
        using var completed = await browser.GetAsync(continueUrl);
        Assert.Equal(HttpStatusCode.Redirect, completed.StatusCode);
        Assert.StartsWith(ProxyFactory.Origin + "/demo/portal?state=bye", completed.Headers.Location!.ToString(), StringComparison.Ordinal);
    }

    [GeneratedRegex("<a href=\"([^\"]+)\" data-testid=\"continue\">")]
    private static partial Regex ContinueLink();
}
