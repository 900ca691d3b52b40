using System.Security.Cryptography;
using System.Text.Json;
using AaiProxy.Server.Logout;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace AaiProxy.Server.Tests.Logout;

/// <summary>The logout token of Back-Channel Logout 1.0 §2.4, written and read back with a test key.</summary>
public sealed class LogoutTokenTests
{
    private const string Issuer = "https://aai.example.org/";
    private static readonly DateTimeOffset Now = new(2026, 12, 1, 8, 0, 0, TimeSpan.Zero);
    private static readonly RsaSecurityKey Key = new(RSA.Create(2048)) { KeyId = "test-key" };

    private static JsonWebToken Write(LogoutNotice notice) =>
        new(LogoutToken.Write(LogoutToken.Describe(Issuer, notice, Now, "jti-1", new SigningCredentials(Key, SecurityAlgorithms.RsaSha256))));

    [Fact]
    public async Task A_logout_token_is_a_signed_logout_jwt_for_the_client_with_the_event_sub_and_sid()
    {
        var jwt = LogoutToken.Write(LogoutToken.Describe(Issuer, new LogoutNotice("portal", new Uri("https://portal.example.org/logout"), "sub-1", "session-a"),
            Now, "jti-1", new SigningCredentials(Key, SecurityAlgorithms.RsaSha256)));

        var result = await new JsonWebTokenHandler().ValidateTokenAsync(jwt, new TokenValidationParameters
        {
            ValidIssuer = Issuer,
            ValidAudience = "portal",
            IssuerSigningKey = Key,
            ValidTypes = [LogoutToken.Type],
            LifetimeValidator = (_, expires, _, _) => expires == Now.UtcDateTime.AddMinutes(2),
        });

        Assert.True(result.IsValid, result.Exception?.ToString());
        var token = (JsonWebToken)result.SecurityToken;
        Assert.Equal("logout+jwt", token.Typ);
        Assert.Equal("test-key", token.Kid);
        Assert.Equal(Now.ToUnixTimeSeconds(), token.GetPayloadValue<long>("iat"));
        Assert.Equal("jti-1", token.Id);
        Assert.Equal("sub-1", token.Subject);
        Assert.Equal("session-a", token.GetPayloadValue<string>("sid"));
        var events = JsonDocument.Parse(token.GetPayloadValue<JsonElement>("events").GetRawText()).RootElement;
        var member = Assert.Single(events.EnumerateObject());
        Assert.Equal(LogoutToken.BackChannelLogoutEvent, member.Name);
        Assert.Equal("{}", member.Value.GetRawText());
    }

    [Fact]
    public void A_logout_token_never_carries_a_nonce_nor_a_not_before()
    {
        var token = Write(new LogoutNotice("portal", new Uri("https://portal.example.org/logout"), "sub-1", "session-a"));

        Assert.False(token.TryGetPayloadValue<object>("nonce", out _));
        Assert.False(token.TryGetPayloadValue<object>("nbf", out _));
    }

    [Fact]
    public void Without_a_known_session_the_token_names_the_subject_only()
    {
        var token = Write(new LogoutNotice("portal", new Uri("https://portal.example.org/logout"), "sub-1", SessionId: null));

        Assert.Equal("sub-1", token.Subject);
        Assert.False(token.TryGetPayloadValue<object>("sid", out _));
    }
}
