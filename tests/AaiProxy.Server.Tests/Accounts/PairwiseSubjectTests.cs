using System.Net;
using AaiProxy.Server.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.IdentityModel.JsonWebTokens;
using static AaiProxy.Server.Tests.Accounts.AccountSteps;

namespace AaiProxy.Server.Tests.Accounts;

/// <summary>The demo portal configured for pairwise subjects (<c>Clients[].SectorIdentifier</c>).</summary>
public sealed class PairwiseProxyFixture : ProxyFixture
{
    protected override IReadOnlyDictionary<string, string> Overrides => new Dictionary<string, string>
    {
        ["AaiProxy:Clients:0:SectorIdentifier"] = "https://portal.demo.aaiproxy.example.org",
    };
}

public sealed class PairwiseSubjectTests(PairwiseProxyFixture fixture) : IClassFixture<PairwiseProxyFixture>
{
    [Fact]
    public async Task A_pairwise_client_sees_a_sector_sub_never_the_community_id_nor_voperson_id_and_refresh_and_userinfo_still_work()
    {
        var client = new OidcTestClient(fixture.Factory);
        var tokens = await client.CodeFlowAsync("alice", "openid profile voperson_id offline_access");
        var accountId = await WithDbAsync(fixture.Factory, db => db.UpstreamLinks.Where(link => link.Subject == "alice@university.example.org")
            .Select(link => link.AccountId).SingleAsync());

        var idToken = new JsonWebToken(tokens.GetProperty("id_token").GetString()!);
        Assert.NotEqual(accountId, idToken.Subject);
        Assert.False(idToken.TryGetClaim("voperson_id", out _));
        Assert.DoesNotContain(accountId, tokens.GetProperty("access_token").GetString()!, StringComparison.Ordinal);

        var (status, refreshed) = await client.TokenAsync(new()
        {
            ["grant_type"] = "refresh_token",
            ["refresh_token"] = tokens.GetProperty("refresh_token").GetString(),
            ["client_id"] = OidcTestClient.PortalClientId,
        });
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(idToken.Subject, new JsonWebToken(refreshed.GetProperty("id_token").GetString()!).Subject);

        var userInfo = await client.UserInfoAsync(refreshed.GetProperty("access_token").GetString()!);
        Assert.Equal(idToken.Subject, userInfo.GetProperty("sub").GetString());
        Assert.False(userInfo.TryGetProperty("voperson_id", out _));
    }

    [Fact]
    public async Task An_id_token_hint_with_a_pairwise_sub_names_the_sessions_person_so_sign_out_asks_nothing()
    {
        var browser = fixture.Factory.CreateBrowser();
        var tokens = await new OidcTestClient(fixture.Factory).CodeFlowAsync("bob", "openid", browser);

        using var logout = await browser.GetAsync(Microsoft.AspNetCore.WebUtilities.QueryHelpers.AddQueryString("/connect/logout",
            new Dictionary<string, string?>
            {
                ["id_token_hint"] = tokens.GetProperty("id_token").GetString(),
                ["post_logout_redirect_uri"] = ProxyFactory.Origin + "/demo/portal",
            }));

        // Before: the pairwise sub was compared with the community id, and the person was asked to confirm (200).
        Assert.Equal(HttpStatusCode.Redirect, logout.StatusCode);
        Assert.False(await Saml.SamlBrowserSteps.IsSignedInAsync(browser));
    }
}
