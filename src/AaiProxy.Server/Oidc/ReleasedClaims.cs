using System.Globalization;
using System.Security.Claims;
using System.Text.Json.Nodes;
using AaiProxy.Identity;
using Microsoft.IdentityModel.JsonWebTokens;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace AaiProxy.Server.Oidc;

/// <summary>
/// Claims as JSON values of the type <see cref="ClaimTable"/> gives them: the one place tokens and
/// userinfo get their shapes from (a multi-valued claim is an array even with one value,
/// <c>email_verified</c> a boolean).
/// </summary>
internal static class ReleasedClaims
{
    /// <summary>The claims of <paramref name="claims"/> released by <paramref name="scopes"/> to any of <paramref name="destinations"/>, with their JSON values.</summary>
    public static IEnumerable<(ClaimDefinition Claim, JsonNode Value)> Of(
        CommunityClaimSet computed, IReadOnlyList<ClaimDefinition> claims, IEnumerable<string> scopes, ClaimDestinations destinations)
    {
        foreach (var claim in ClaimTable.Released(claims, scopes, destinations))
        {
            var values = computed.Values(claim.Name);
            if (values.Count > 0)
            {
                yield return (claim, ToJson(claim.Type, values));
            }
        }
    }

    /// <summary>OpenIddict's destinations of a table claim.</summary>
    public static string[] DestinationsOf(ClaimDefinition claim) =>
    [
        .. claim.Destinations.HasFlag(ClaimDestinations.IdToken) ? [Destinations.IdentityToken] : Array.Empty<string>(),
        .. claim.Destinations.HasFlag(ClaimDestinations.AccessToken) ? [Destinations.AccessToken] : Array.Empty<string>(),
    ];

    /// <summary>
    /// One claim holding every value in the JSON type of <paramref name="claim"/>, for a JWT: an array is a
    /// single <c>JSON_ARRAY</c> claim, which the token handler writes as a JSON array even with one value.
    /// </summary>
    public static Claim ToTokenClaim(ClaimDefinition claim, IReadOnlyList<string> values) => ToJson(claim.Type, values) switch
    {
        JsonArray array => new Claim(claim.Name, array.ToJsonString(), JsonClaimValueTypes.JsonArray),
        var value when claim.Type == ClaimJsonType.Boolean => new Claim(claim.Name, value.ToJsonString(), ClaimValueTypes.Boolean),
        var value when claim.Type == ClaimJsonType.Number => new Claim(claim.Name, value.ToJsonString(), ClaimValueTypes.Integer64),
        var value => new Claim(claim.Name, value.GetValue<string>()),
    };

    private static JsonNode ToJson(ClaimJsonType type, IReadOnlyList<string> values) => type switch
    {
        ClaimJsonType.StringArray => new JsonArray([.. values.Select(value => JsonValue.Create(value))]),
        // Each value is the JSON text of one object, written by the enricher that computed it.
        ClaimJsonType.ObjectArray => new JsonArray([.. values.Select(value => JsonNode.Parse(value))]),
        ClaimJsonType.Boolean => JsonValue.Create(bool.Parse(values[0])),
        ClaimJsonType.Number => JsonValue.Create(long.Parse(values[0], CultureInfo.InvariantCulture)),
        _ => JsonValue.Create(values[0]),
    };
}
