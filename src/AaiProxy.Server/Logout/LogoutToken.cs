using System.Text.Json;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace AaiProxy.Server.Logout;

/// <summary>The logout token of OpenID Connect Back-Channel Logout 1.0 §2.4: a JWT signed like the proxy's ID
/// tokens, typed <c>logout+jwt</c>, for one client (<c>aud</c>), naming the person as that client knows them
/// (<c>sub</c>) and the ended session (<c>sid</c>) when known; never a <c>nonce</c>.</summary>
public static class LogoutToken
{
    /// <summary>§2.4: the JWT <c>typ</c> header a logout token should carry.</summary>
    public const string Type = "logout+jwt";

    /// <summary>§2.4: the member of <c>events</c> that makes a JWT a logout token.</summary>
    public const string BackChannelLogoutEvent = "http://schemas.openid.net/event/backchannel-logout";

    /// <summary>§2.4 recommends a lifetime of at most two minutes.</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(2);

    /// <summary>The token's header and claims; <paramref name="tokenId"/> (<c>jti</c>) must be unique.</summary>
    public static SecurityTokenDescriptor Describe(string issuer, LogoutNotice notice, DateTimeOffset now, string tokenId, SigningCredentials credentials)
    {
        var claims = new Dictionary<string, object>
        {
            [JwtRegisteredClaimNames.Jti] = tokenId,
            [JwtRegisteredClaimNames.Sub] = notice.Subject,
            ["events"] = JsonSerializer.SerializeToElement(new Dictionary<string, object> { [BackChannelLogoutEvent] = new { } }),
        };
        if (notice.SessionId is { } sessionId)
        {
            claims[JwtRegisteredClaimNames.Sid] = sessionId;
        }

        return new SecurityTokenDescriptor
        {
            TokenType = Type,
            Issuer = issuer,
            Audience = notice.ClientId,
            IssuedAt = now.UtcDateTime,
            Expires = (now + Lifetime).UtcDateTime,
            Claims = claims,
            SigningCredentials = credentials,
        };
    }

    /// <summary>The signed compact JWT (no <c>nbf</c> beyond what <paramref name="descriptor"/> says).</summary>
    public static string Write(SecurityTokenDescriptor descriptor) =>
        new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(descriptor);
}
