using System.Net;
using AaiProxy.Data;
using AaiProxy.Identity;
using AaiProxy.Server.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.JsonWebTokens;
using static AaiProxy.Server.Tests.Saml.SamlBrowserSteps;

namespace AaiProxy.Server.Tests.Upstream;

/// <summary>What happens between a validated upstream login and the proxy session, whatever the protocol.</summary>
public sealed class UpstreamSignInTests(ProxyFixture fixture) : IClassFixture<ProxyFixture>
{
    [Fact]
    public async Task Suspended_account_ends_at_the_client_with_access_denied_instead_of_looping_through_login()
    {
        var tokens = await new OidcTestClient(fixture.Factory).CodeFlowAsync("carol");
        await SetStatusAsync(new JsonWebToken(tokens.GetProperty("id_token").GetString()!).Subject, AccountStatus.Suspended);
        var browser = fixture.Factory.CreateBrowser();

        // Before: the sign-in succeeded, the authorization endpoint found no active account and sent the
        // browser to log in again, for ever.
        var afterLogin = await UpstreamLogin.SignInAsync(browser, await LoginPageAsync(browser), "carol");
        using var response = await browser.GetAsync(afterLogin);

        var callback = AuthenticationRequirementTests.AssertRedirectedToClient(response);
        Assert.Equal("access_denied", OidcTestClient.Query(callback)["error"]);
        Assert.Contains(fixture.Factory.Logs.Lines, line => line.Contains("Sign-in refused", StringComparison.Ordinal) &&
                                                            line.Contains("Suspended", StringComparison.Ordinal));
        Assert.False(await IsSignedInAsync(browser));
    }

    [Fact]
    public async Task An_entitlement_in_the_proxys_own_namespace_is_dropped_at_sign_in_logged_and_never_stored()
    {
        // Alice's demo IdP asserts urn:mace:aaiproxy.example.org:group:…, the proxy's own namespace.
        var tokens = await new OidcTestClient(fixture.Factory).CodeFlowAsync("alice");

        Assert.Contains(fixture.Factory.Logs.Lines, line => line.Contains("dropped before sign-in", StringComparison.Ordinal) &&
                                                            line.Contains("ProxyEntitlementNamespace", StringComparison.Ordinal));
        await using var scope = fixture.Factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ProxyDbContext>();
        var accountId = new JsonWebToken(tokens.GetProperty("id_token").GetString()!).Subject;
        var links = await db.UpstreamLinks.Where(link => link.AccountId == accountId).ToListAsync();
        Assert.NotEmpty(links);
        Assert.All(links, link => Assert.DoesNotContain("urn:mace:aaiproxy.example.org", link.LastAttributesJson, StringComparison.Ordinal));
    }

    private async Task SetStatusAsync(string accountId, AccountStatus status)
    {
        await using var scope = fixture.Factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ProxyDbContext>();
        var account = await db.CommunityAccounts.SingleAsync(candidate => candidate.Id == accountId);
        account.Status = status;
        await db.SaveChangesAsync();
    }
}
