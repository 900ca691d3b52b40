using System.Security.Claims;
using AaiProxy.Server.Configuration;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using OpenIddict.Server;

namespace AaiProxy.Server.Gate;

/// <summary>
/// Validates a bearer token as a resource server would (RFC 9068 §4): a JWT access token (<c>typ</c> <c>at+jwt</c>)
/// signed by one of this proxy's signing keys, issued by this proxy, within its lifetime (by the injected clock), and
/// whose <c>aud</c> holds the gate's <see cref="GateOptions.Audience"/>. A token for any other audience — the portal's,
/// the API's — is refused, whoever it belongs to.
/// </summary>
internal sealed class GateTokenValidator(
    IOptionsMonitor<OpenIddictServerOptions> server,
    IOptions<ProxyOptions> proxy,
    IOptions<GateOptions> gate,
    TimeProvider time)
{
    private static readonly JsonWebTokenHandler Handler = new() { MapInboundClaims = false };

    /// <summary>
    /// The caller a credential proves. A refused bearer token is <see cref="GateCaller.InvalidToken"/>; a refused cookie
    /// token (expired, or signed by a key since retired) is <see cref="GateCaller.Anonymous"/>: the browser signs in again.
    /// </summary>
    public async Task<GateCaller> ValidateAsync(GateCredential credential)
    {
        switch (credential)
        {
            case GateCredential.Bearer bearer:
                var authorization = bearer.Authorization;
                if (!authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) || authorization.Length <= "Bearer ".Length)
                    return new GateCaller.InvalidToken("the Authorization header is not a Bearer token");
                return await ValidateTokenAsync(authorization["Bearer ".Length..].Trim());
            case GateCredential.Cookie cookie:
                var caller = await ValidateTokenAsync(cookie.AccessToken);
                return caller is GateCaller.InvalidToken ? new GateCaller.Anonymous() : caller;
            default:
                return new GateCaller.Anonymous();
        }
    }

    private async Task<GateCaller> ValidateTokenAsync(string token)
    {
        var result = await Handler.ValidateTokenAsync(token, Parameters());
        if (!result.IsValid)
            return new GateCaller.InvalidToken(result.Exception?.GetType().Name ?? "not a valid JWT");

        var jwt = (JsonWebToken)result.SecurityToken;
        var now = time.GetUtcNow();
        if (jwt.ValidTo == DateTime.MinValue || now.UtcDateTime >= jwt.ValidTo)
            return new GateCaller.InvalidToken("expired (or without exp)");
        if (jwt.ValidFrom != DateTime.MinValue && now.UtcDateTime < jwt.ValidFrom)
            return new GateCaller.InvalidToken("not yet valid");

        return result.ClaimsIdentity.FindFirst("sub")?.Value is { Length: > 0 } subject
            ? new GateCaller.Person(subject)
            : new GateCaller.InvalidToken("no sub");
    }

    private TokenValidationParameters Parameters() => new()
    {
        ValidTypes = ["at+jwt"],
        // Without a configured issuer OpenIddict names the origin of each request as the issuer: then the signature by
        // this proxy's own keys (which no other issuer holds) is what proves the token is the proxy's.
        ValidateIssuer = proxy.Value.Issuer is not null,
        ValidIssuers = ProxyAsProvider.IssuerForms(proxy.Value),
        ValidAudience = gate.Value.Audience,
        IssuerSigningKeys = server.CurrentValue.SigningCredentials.Select(credentials => credentials.Key).ToList(),
        RequireSignedTokens = true,
        // The injected clock decides (above), so tests can move time.
        ValidateLifetime = false,
        RequireExpirationTime = true,
    };
}
