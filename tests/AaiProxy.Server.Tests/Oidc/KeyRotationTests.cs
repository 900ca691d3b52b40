using System.Net;
using System.Text.Json;
using AaiProxy.Data;
using AaiProxy.Data.Entities;
using AaiProxy.Identity;
using AaiProxy.Server.Oidc;
using AaiProxy.Server.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace AaiProxy.Server.Tests.Oidc;

/// <summary>
/// Issue 20, must show 2: scheduled rotation of the OpenID provider's keys with overlap, on a real database and a fake
/// clock. The successor is in the JWKS before it signs; tokens the old key signed validate (introspection, JWKS, refresh)
/// until they expire; new tokens carry the new <c>kid</c>; the old key leaves the JWKS after the overlap; every step is
/// audited. The rounds are <see cref="KeyRotation.RunOnce"/>, what <see cref="KeyRotationService"/> runs on its timer
/// (left out here so that the test alone decides when a round runs).
/// </summary>
public sealed class KeyRotationTests : IAsyncLifetime
{
    private static readonly TimeSpan Interval = TimeSpan.FromDays(10);
    private static readonly TimeSpan PublishAhead = TimeSpan.FromDays(1);
    private static readonly TimeSpan RefreshTokenLifetime = TimeSpan.FromDays(2);
    private static readonly TimeSpan ClockSkew = TimeSpan.FromMinutes(5);

    private readonly FakeTimeProvider time = new(DateTimeOffset.UtcNow);
    private TestDatabase database = null!;
    private FakeClockProxyFactory proxy = null!;
    private OidcTestClient oidc = null!;

    public async Task InitializeAsync()
    {
        database = await TestDatabase.CreateAsync();
        proxy = Proxy();
        oidc = new OidcTestClient(proxy);
    }

    public async Task DisposeAsync()
    {
        await proxy.DisposeAsync();
        await database.DisposeAsync();
    }

    [Fact]
    public async Task Successor_is_published_before_it_signs_old_tokens_validate_until_they_expire_and_the_old_key_leaves_after_the_overlap()
    {
        var first = await oidc.CodeFlowAsync("alice");
        var oldKid = Kid(first);
        Assert.Equal([oldKid], await SigningKidsAsync());

        // Not yet due: a round stores nothing.
        time.Advance(Interval - PublishAhead - TimeSpan.FromHours(1));
        Assert.Equal(0, RunRound());
        Assert.Equal([oldKid], await SigningKidsAsync());

        // Due: the successor is published at once, but the old key still signs.
        time.Advance(TimeSpan.FromHours(2));
        Assert.Equal(2, RunRound()); // signing and token-encryption successors
        var published = await SigningKidsAsync();
        var newKid = Assert.Single(published, kid => kid != oldKid);
        Assert.Contains(oldKid, published);
        Assert.Equal(oldKid, Kid(await oidc.CodeFlowAsync("alice")));
        time.Advance(PublishAhead - TimeSpan.FromMinutes(10));
        Assert.Equal(0, RunRound());
        var beforeActivation = await oidc.CodeFlowAsync("alice");
        Assert.Equal(oldKid, Kid(beforeActivation));

        // The successor's time comes: new tokens carry its kid; both keys stay in the JWKS.
        time.Advance(TimeSpan.FromMinutes(10));
        Assert.Equal(2, RunRound()); // both successors activated
        var afterActivation = await oidc.CodeFlowAsync("bob");
        Assert.Equal(newKid, Kid(afterActivation));
        Assert.Equal(new[] { newKid, oldKid }.Order(StringComparer.Ordinal), (await SigningKidsAsync()).Order(StringComparer.Ordinal));
        Assert.True(await ActiveAsync(AccessToken(beforeActivation)), "the old key's access token is still accepted");
        Assert.True((await ValidateSignatureAsync(AccessToken(beforeActivation))).IsValid, "the JWKS still validates the old key's token");
        Assert.True((await ValidateSignatureAsync(AccessToken(afterActivation))).IsValid);

        // The old key's refresh token (signed and encrypted under the old keys) is still redeemed; the new tokens use the new key.
        var refreshed = await RefreshAsync(beforeActivation.GetProperty("refresh_token").GetString()!);
        Assert.Equal(newKid, Kid(refreshed));

        // The old access token expires like any other, while its key is still published.
        time.Advance(TimeSpan.FromHours(1) + TimeSpan.FromMinutes(1));
        Assert.False(await ActiveAsync(AccessToken(beforeActivation)));
        Assert.Equal(0, RunRound());
        Assert.Contains(oldKid, await SigningKidsAsync());

        // After the overlap (the longest token lifetime plus the clock skew), the old key is gone.
        time.Advance(RefreshTokenLifetime + ClockSkew - TimeSpan.FromHours(1));
        Assert.Equal(2, RunRound()); // both predecessors retired
        Assert.Equal([newKid], await SigningKidsAsync());
        Assert.True(await ActiveAsync(AccessToken(await oidc.CodeFlowAsync("alice"))));

        var keyEvents = (await AuditAsync()).Where(entry => entry.Action.StartsWith("key.", StringComparison.Ordinal)).ToList();
        Assert.Contains(keyEvents, entry => entry is { Action: AuditActions.KeyCreated, Actor: AuditActors.KeyRotation } && entry.Target == newKid
            && entry.Details.Contains("\"version\":\"2\"", StringComparison.Ordinal));
        Assert.Contains(keyEvents, entry => entry is { Action: AuditActions.KeyActivated, Actor: AuditActors.KeyRotation } && entry.Target == newKid);
        Assert.Contains(keyEvents, entry => entry is { Action: AuditActions.KeyRetired, Actor: AuditActors.KeyRotation } && entry.Target == oldKid);
        Assert.Equal(6, keyEvents.Count(entry => entry.Actor == AuditActors.KeyRotation)); // created, activated, retired: for signing and encryption
    }

    [Fact]
    public async Task A_round_stores_one_successor_however_often_it_runs_before_the_successor_activates()
    {
        _ = await SigningKidsAsync();
        time.Advance(Interval);

        Assert.Equal(2, RunRound());
        Assert.Equal(0, RunRound()); // a successor waits: none is added
        time.Advance(PublishAhead);
        Assert.Equal(2, RunRound()); // the successors activate; the next rotation is an interval away
        Assert.Equal(0, RunRound());

        var rows = await RowsAsync();
        Assert.Equal([1, 2], rows.Where(row => row.Usage == ServerKeyUsage.Signing).Select(row => row.Version).Order());
        Assert.Equal([1, 2], rows.Where(row => row.Usage == ServerKeyUsage.Encryption).Select(row => row.Version).Order());
    }

    [Fact]
    public async Task A_node_started_after_another_nodes_rotation_publishes_the_pending_successor_and_signs_with_the_current_key()
    {
        var oldKid = Kid(await oidc.CodeFlowAsync("alice"));
        time.Advance(Interval - PublishAhead);
        RunRound();

        await using var second = Proxy();
        var secondOidc = new OidcTestClient(second);
        var published = new JsonWebKeySet(await secondOidc.Http.GetStringAsync("/.well-known/jwks")).Keys.Select(key => key.Kid).ToList();

        Assert.Equal(2, published.Count);
        Assert.Contains(oldKid, published);
        Assert.Equal(oldKid, Kid(await secondOidc.CodeFlowAsync("bob")));
    }

    [Fact]
    public async Task New_RS256_keys_have_the_configured_size_and_a_stored_3072_bit_key_signs_until_its_2048_bit_successor_takes_over()
    {
        // A database of its own: the class's proxy has generated its (default-size) keys already.
        await using var upgraded = await TestDatabase.CreateAsync();
        string oldKid;
        await using (var earlier = Proxy(upgraded, rsaSigningKeySize: 3072))
        {
            var earlierOidc = new OidcTestClient(earlier);
            oldKid = Kid(await earlierOidc.CodeFlowAsync("alice"));
            Assert.Equal(3072, await ModulusBitsAsync(earlierOidc, oldKid));
        }

        // The default size now: the stored key still signs and validates; only its successor is generated at 2048 bits.
        await using var current = Proxy(upgraded);
        var currentOidc = new OidcTestClient(current);
        var before = await currentOidc.CodeFlowAsync("alice");
        Assert.Equal(oldKid, Kid(before));
        time.Advance(Interval);
        Assert.Equal(2, current.RunRotationRound());
        time.Advance(PublishAhead);
        Assert.Equal(2, current.RunRotationRound());

        var newKid = Kid(await currentOidc.CodeFlowAsync("bob"));
        Assert.NotEqual(oldKid, newKid);
        Assert.Equal(2048, await ModulusBitsAsync(currentOidc, newKid));
        Assert.Equal(3072, await ModulusBitsAsync(currentOidc, oldKid));
        Assert.True((await ValidateSignatureAsync(AccessToken(before), currentOidc)).IsValid, "the JWKS still validates the 3072-bit key's token");
    }

    [Theory]
    [InlineData(1024)]
    [InlineData(2047)]
    public async Task Refuses_to_start_with_an_RSA_signing_key_size_below_2048_bits(int bits)
    {
        await using var weak = Proxy(database, rsaSigningKeySize: bits);

        var failure = Assert.ThrowsAny<Exception>(() => weak.Server);
        Assert.Contains("AaiProxy:Keys:RsaSigningKeySize must be", failure.ToString());
    }

    /// <summary>The proxy on the fake clock with a short rotation schedule (and RSA signing keys of that size, if given).</summary>
    private FakeClockProxyFactory Proxy() => Proxy(database);

    private FakeClockProxyFactory Proxy(TestDatabase on, int? rsaSigningKeySize = null)
    {
        var settings = new Dictionary<string, string>
        {
            ["AaiProxy:Keys:Rotation:Interval"] = Interval.ToString(),
            ["AaiProxy:Keys:Rotation:PublishAhead"] = PublishAhead.ToString(),
            ["AaiProxy:Keys:Rotation:ClockSkew"] = ClockSkew.ToString(),
            ["AaiProxy:Tokens:RefreshTokenLifetime"] = RefreshTokenLifetime.ToString(),
        };
        if (rsaSigningKeySize is { } bits)
        {
            settings["AaiProxy:Keys:RsaSigningKeySize"] = bits.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        return new(on, time, settings);
    }

    private static async Task<int> ModulusBitsAsync(OidcTestClient client, string kid) =>
        Base64UrlEncoder.DecodeBytes((await client.JwksAsync()).Keys.Single(key => key.Kid == kid).N).Length * 8;

    private int RunRound() => proxy.RunRotationRound();

    private async Task<List<string>> SigningKidsAsync() => [.. (await oidc.JwksAsync()).Keys.Select(key => key.Kid)];

    private static string Kid(JsonElement tokens) => new JsonWebToken(AccessToken(tokens)).Kid;

    private static string AccessToken(JsonElement tokens) => tokens.GetProperty("access_token").GetString()!;

    private async Task<bool> ActiveAsync(string accessToken)
    {
        var (status, body) = await oidc.TokenAsync(new() { ["token"] = accessToken, ["client_id"] = OidcTestClient.PortalClientId }, "/connect/introspect");
        Assert.Equal(HttpStatusCode.OK, status);
        return body.GetProperty("active").GetBoolean();
    }

    private async Task<JsonElement> RefreshAsync(string refreshToken)
    {
        var (status, body) = await oidc.TokenAsync(new()
        {
            ["grant_type"] = "refresh_token",
            ["refresh_token"] = refreshToken,
            ["client_id"] = OidcTestClient.PortalClientId,
        });
        Assert.True(status == HttpStatusCode.OK, body.ToString());
        return body;
    }

    /// <summary>The signature and issuer against the published JWKS; the lifetime is the introspection's (the token's
    /// times are on the fake clock).</summary>
    private async Task<TokenValidationResult> ValidateSignatureAsync(string jwt, OidcTestClient? of = null) =>
        await new JsonWebTokenHandler().ValidateTokenAsync(jwt, new TokenValidationParameters
        {
            ValidIssuer = ProxyFactory.Origin + "/",
            ValidateAudience = false,
            ValidateLifetime = false,
            IssuerSigningKeys = (await (of ?? oidc).JwksAsync()).GetSigningKeys(),
            TryAllIssuerSigningKeys = false,
            ValidTypes = null,
        });

    private async Task<List<ServerKeyEntity>> RowsAsync()
    {
        await using var scope = proxy.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<ProxyDbContext>().ServerKeys.AsNoTracking().ToListAsync();
    }

    private async Task<List<AuditEventEntity>> AuditAsync()
    {
        await using var scope = proxy.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<ProxyDbContext>().AuditEvents.AsNoTracking().OrderBy(entry => entry.Id).ToListAsync();
    }
}
