using System.Net;
using AaiProxy.Data;
using AaiProxy.Identity;
using AaiProxy.Server.Demo.IdentityProvider;
using AaiProxy.Server.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.JsonWebTokens;

namespace AaiProxy.Server.Tests;

/// <summary>Userinfo is computed from the account, for any token of a person, and only for people.</summary>
public sealed class UserInfoTests(ResourceServerProxyFixture fixture) : IClassFixture<ResourceServerProxyFixture>
{
    private readonly OidcTestClient _oidc = new(fixture.Factory);

    [Fact]
    public async Task UserInfo_shows_the_accounts_current_attributes_not_those_in_the_token()
    {
        var accessToken = (await _oidc.CodeFlowAsync("bob", "openid profile")).GetProperty("access_token").GetString()!;
        Assert.Equal("Bob", new JsonWebToken(accessToken).GetClaim("given_name").Value);

        // Bob logs in again elsewhere and his IdP now says "Robert".
        using (var scope = fixture.Factory.Services.CreateScope())
        {
            var demoIdp = scope.ServiceProvider.GetRequiredService<DemoIdentityProvider>();
            await scope.ServiceProvider.GetRequiredService<ICommunityAccountResolver>().ResolveAsync(new UpstreamIdentity(
                UpstreamProtocols.Saml2, demoIdp.EntityId, "bob@institute.example.net", InternalAttributes.SubjectId,
                new Dictionary<string, IReadOnlyList<string>> { [InternalAttributes.GivenName] = ["Robert"] },
                new UpstreamAuthentication(DateTimeOffset.UtcNow, null)), CancellationToken.None);
        }

        Assert.Equal("Robert", (await _oidc.UserInfoAsync(accessToken)).GetProperty("given_name").GetString());
    }

    [Fact]
    public async Task UserInfo_accepts_a_persons_token_issued_for_another_resource()
    {
        var accessToken = (await _oidc.CodeFlowAsync("alice", "openid profile", resources: [ResourceServerProxyFixture.CatalogueResource]))
            .GetProperty("access_token").GetString()!;

        var userInfo = await _oidc.UserInfoAsync(accessToken);

        Assert.Equal([ResourceServerProxyFixture.CatalogueResource], new JsonWebToken(accessToken).Audiences);
        Assert.Equal("Alice", userInfo.GetProperty("given_name").GetString());
    }

    [Fact]
    public async Task UserInfo_refuses_a_client_credentials_token_with_invalid_token()
    {
        var (_, tokens) = await _oidc.ClientCredentialsAsync();

        using var response = await _oidc.UserInfoResponseAsync(tokens.GetProperty("access_token").GetString()!);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains("error=\"invalid_token\"", response.Headers.WwwAuthenticate.ToString());
    }

    [Fact]
    public async Task UserInfo_refuses_the_token_of_a_suspended_account()
    {
        var accessToken = (await _oidc.CodeFlowAsync("carol", "openid profile")).GetProperty("access_token").GetString()!;
        using (var scope = fixture.Factory.Services.CreateScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<ProxyDbContext>();
            var subject = new JsonWebToken(accessToken).Subject;
            await db.CommunityAccounts.Where(account => account.Id == subject)
                .ExecuteUpdateAsync(update => update.SetProperty(account => account.Status, AccountStatus.Suspended));
        }

        using var response = await _oidc.UserInfoResponseAsync(accessToken);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains("error=\"invalid_token\"", response.Headers.WwwAuthenticate.ToString());
    }
}
