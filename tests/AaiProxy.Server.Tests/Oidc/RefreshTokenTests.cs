using System.Net;
using System.Text.Json;
using AaiProxy.Data;
using AaiProxy.Server.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace AaiProxy.Server.Tests.Oidc;

/// <summary>
/// The refresh_token grant writes its sign-in (the old entry redeemed, the new token entries) in one transaction
/// (RedemptionTransaction); rotation, reuse detection and revocation must hold as they did with one commit per write.
/// </summary>
public sealed class RefreshTokenTests(ProxyFixture fixture) : IClassFixture<ProxyFixture>
{
    private readonly OidcTestClient _oidc = new(fixture.Factory);

    [Fact]
    public async Task A_replayed_refresh_token_revokes_the_rotated_one_and_its_access_token()
    {
        var original = RefreshToken(await _oidc.CodeFlowAsync("alice"));
        var (status, refreshed) = await Refresh(original);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.True(await IsActiveAsync(AccessToken(refreshed)));

        var (replayStatus, _) = await Refresh(original);
        var (rotatedStatus, rotated) = await Refresh(RefreshToken(refreshed));

        Assert.Equal(HttpStatusCode.BadRequest, replayStatus);
        Assert.Equal(HttpStatusCode.BadRequest, rotatedStatus);
        Assert.Equal("invalid_grant", rotated.GetProperty("error").GetString());
        Assert.False(await IsActiveAsync(AccessToken(refreshed)));
    }

    [Fact]
    public async Task A_chain_of_refreshes_stores_each_new_token_and_redeems_the_old()
    {
        var token = RefreshToken(await _oidc.CodeFlowAsync("alice"));
        var used = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            var (status, refreshed) = await Refresh(token);
            Assert.Equal(HttpStatusCode.OK, status);
            Assert.True(await IsActiveAsync(AccessToken(refreshed)));
            used.Add(token);
            token = RefreshToken(refreshed);
        }

        var (lastStatus, _) = await Refresh(token);
        Assert.Equal(HttpStatusCode.OK, lastStatus);
        foreach (var old in used)
        {
            Assert.False(await IsActiveAsync(old, "refresh_token"));
        }
    }

    [Fact]
    public async Task SQLite_connections_wait_for_the_write_lock_in_SQLite_itself()
    {
        // The registration itself, on SQLite whatever database this suite runs on.
        var file = Path.Combine(Path.GetTempPath(), $"aaiproxy-busy-{Guid.NewGuid():N}.db");
        await using (var services = new ServiceCollection().AddAaiProxyData(DatabaseProvider.Sqlite, $"Data Source={file};Pooling=False").BuildServiceProvider())
        await using (var scope = services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<ProxyDbContext>();
            await db.Database.OpenConnectionAsync();
            await using var command = db.Database.GetDbConnection().CreateCommand();
            command.CommandText = "PRAGMA busy_timeout";

            Assert.Equal((long)SqliteBusyTimeout.Wait.TotalMilliseconds, await command.ExecuteScalarAsync());
        }

        File.Delete(file);
    }

    private async Task<bool> IsActiveAsync(string token, string tokenTypeHint = "access_token")
    {
        var (status, body) = await _oidc.TokenAsync(new()
        {
            ["token"] = token,
            ["token_type_hint"] = tokenTypeHint,
            ["client_id"] = OidcTestClient.PortalClientId,
        }, "/connect/introspect");
        Assert.Equal(HttpStatusCode.OK, status);
        return body.GetProperty("active").GetBoolean();
    }

    private Task<(HttpStatusCode Status, JsonElement Body)> Refresh(string refreshToken) =>
        _oidc.TokenAsync(new()
        {
            ["grant_type"] = "refresh_token",
            ["refresh_token"] = refreshToken,
            ["client_id"] = OidcTestClient.PortalClientId,
        });

    private static string RefreshToken(JsonElement tokens) => tokens.GetProperty("refresh_token").GetString()!;

    private static string AccessToken(JsonElement tokens) => tokens.GetProperty("access_token").GetString()!;
}
