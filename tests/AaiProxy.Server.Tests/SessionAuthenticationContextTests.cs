using System.Net;
using AaiProxy.Identity;
using AaiProxy.Server.Demo.IdentityProvider;
using AaiProxy.Server.Tests.Infrastructure;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.JsonWebTokens;

namespace AaiProxy.Server.Tests;

/// <summary>
/// Tokens state how the person authenticated for the session they come from. The stored upstream link
/// only remembers the latest login, which may have happened elsewhere with another strength.
/// </summary>
public sealed class SessionAuthenticationContextTests(ProxyFixture fixture) : IClassFixture<ProxyFixture>
{
    private const string RefedsMfa = "https://refeds.org/profile/mfa";
    private const string PasswordProtectedTransport = "urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport";

    [Fact]
    public async Task A_single_factor_session_is_not_upgraded_by_a_multi_factor_login_of_the_same_person_elsewhere()
    {
        var oidc = new OidcTestClient(fixture.Factory);
        var browser = fixture.Factory.CreateBrowser();
        var first = await oidc.CodeFlowAsync("bob", browser: browser);
        Assert.Equal(PasswordProtectedTransport, new JsonWebToken(first.GetProperty("id_token").GetString()).GetClaim("acr").Value);
        await BobLogsInElsewhereWithMfaAsync();

        // Asking for MFA from the single-factor session sends the person back upstream…
        var mfaRequest = OidcTestClient.AuthorizationRequest(OidcTestClient.NewPkce());
        mfaRequest["acr_values"] = RefedsMfa;
        using var upgrade = await browser.GetAsync(QueryHelpers.AddQueryString("/connect/authorize", mfaRequest));
        Assert.Equal(HttpStatusCode.Redirect, upgrade.StatusCode);
        Assert.Equal(UpstreamLogin.DemoIdentityProviderSignOn, new Uri(new Uri(ProxyFactory.Origin), upgrade.Headers.Location!).AbsolutePath);

        // …and a token from that session still says single factor.
        var again = await oidc.CodeFlowAsync("bob", browser: browser);
        Assert.Equal(PasswordProtectedTransport, new JsonWebToken(again.GetProperty("id_token").GetString()).GetClaim("acr").Value);
    }

    [Fact]
    public async Task A_refreshed_token_keeps_the_authentication_context_of_its_original_login()
    {
        var oidc = new OidcTestClient(fixture.Factory);
        var tokens = await oidc.CodeFlowAsync("bob");
        await BobLogsInElsewhereWithMfaAsync();

        var (status, refreshed) = await oidc.TokenAsync(new()
        {
            ["grant_type"] = "refresh_token",
            ["refresh_token"] = tokens.GetProperty("refresh_token").GetString(),
            ["client_id"] = OidcTestClient.PortalClientId,
        });

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(PasswordProtectedTransport, new JsonWebToken(refreshed.GetProperty("access_token").GetString()).GetClaim("acr").Value);
    }

    // The same upstream person (bob at the demo IdP, linked by his subject-id) authenticates again with
    // MFA somewhere else: the stored link now remembers that latest, stronger login.
    private async Task BobLogsInElsewhereWithMfaAsync()
    {
        using var scope = fixture.Factory.Services.CreateScope();
        var demoIdp = scope.ServiceProvider.GetRequiredService<DemoIdentityProvider>();
        await scope.ServiceProvider.GetRequiredService<ICommunityAccountResolver>().ResolveAsync(new UpstreamIdentity(
            UpstreamProtocols.Saml2, demoIdp.EntityId, "bob@institute.example.net", InternalAttributes.SubjectId,
            new Dictionary<string, IReadOnlyList<string>> { [InternalAttributes.SubjectId] = ["bob@institute.example.net"] },
            new UpstreamAuthentication(DateTimeOffset.UtcNow, RefedsMfa)), CancellationToken.None);
    }
}
