using System.Text.Json;
using OpenIddict.Abstractions;

namespace AaiProxy.Server.Oidc;

/// <summary>What a login for one authorization request must achieve: upstream authentication context classes
/// (one of them), and whether the client insists (essential) or merely asked (voluntary).</summary>
public sealed record AuthenticationRequirement(IReadOnlyList<string> ContextClasses, bool Essential)
{
    public static AuthenticationRequirement None { get; } = new([], false);

    /// <summary>Whether a session authenticated with <paramref name="achieved"/> satisfies this requirement.</summary>
    public bool SatisfiedBy(string? achieved) =>
        ContextClasses.Count == 0 || (achieved is not null && ContextClasses.Contains(achieved, StringComparer.Ordinal));
}

/// <summary>The outcome of judging an authorization request's authentication context demands.</summary>
/// <param name="Requirement">What the login must achieve; null when it cannot be met at all.</param>
/// <param name="Unmet">Why the demand cannot be met (for the client's error and the log), when it cannot.</param>
public sealed record AuthenticationDecision(AuthenticationRequirement? Requirement, string? Unmet);

/// <summary>
/// The one place the proxy decides what <c>acr</c> a login must reach, as OpenID Connect Core says:
/// <c>acr_values</c> (§3.1.2.1) and non-essential <c>acr</c> in the <c>claims</c> parameter are voluntary, so
/// a value the proxy cannot ask any upstream provider for is ignored and the achieved <c>acr</c> is returned;
/// an essential <c>acr</c> (§5.5.1.1) or the client's own multi-factor requirement that the proxy cannot ask
/// for ends with <c>unmet_authentication_requirements</c>. Pure: no HTTP, no state.
/// </summary>
public static class AuthenticationRequirements
{
    public const string UnmetAuthenticationRequirements = "unmet_authentication_requirements";
    private const int MaxValues = 10;

    /// <param name="clientRequiresMfa">The client is configured to require REFEDS MFA for every login.</param>
    /// <param name="supported">The classes the proxy can request from upstream providers.</param>
    /// <param name="mfa">The class that stands for multi-factor authentication (REFEDS MFA).</param>
    public static AuthenticationDecision Decide(OpenIddictRequest request, bool clientRequiresMfa, IReadOnlyCollection<string> supported,
        string mfa)
    {
        var (essential, voluntary) = FromClaimsParameter((string?)request.GetParameter(OpenIddictConstants.Parameters.Claims));
        voluntary.AddRange(Split(request.AcrValues));
        if (clientRequiresMfa)
        {
            essential.Add(mfa);
        }

        if (essential.Count > 0)
        {
            var servable = essential.Where(supported.Contains).Distinct(StringComparer.Ordinal).ToList();
            return servable.Count > 0
                ? new AuthenticationDecision(new AuthenticationRequirement(servable, Essential: true), null)
                : new AuthenticationDecision(null,
                    $"None of the essential acr values [{string.Join(' ', essential.Take(MaxValues))}] can be requested from an upstream provider.");
        }

        var wanted = voluntary.Where(supported.Contains).Distinct(StringComparer.Ordinal).ToList();
        return new AuthenticationDecision(wanted.Count == 0 ? AuthenticationRequirement.None : new AuthenticationRequirement(wanted, false), null);
    }

    private static IEnumerable<string> Split(string? values) =>
        (values ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries).Take(MaxValues);

    // OIDC Core 5.5: {"id_token":{"acr":{"essential":true,"values":[…]}}} (or "value"), also under "userinfo".
    // A claims parameter that is not a JSON object is ignored here (OpenIddict treats it as an opaque parameter).
    private static (List<string> Essential, List<string> Voluntary) FromClaimsParameter(string? claims)
    {
        var essential = new List<string>();
        var voluntary = new List<string>();
        if (string.IsNullOrWhiteSpace(claims))
        {
            return (essential, voluntary);
        }

        try
        {
            using var document = JsonDocument.Parse(claims, new JsonDocumentOptions { MaxDepth = 8 });
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                return (essential, voluntary);
            }

            foreach (var member in new[] { "id_token", "userinfo" })
            {
                if (document.RootElement.TryGetProperty(member, out var target) && target.ValueKind == JsonValueKind.Object &&
                    target.TryGetProperty("acr", out var acr) && acr.ValueKind == JsonValueKind.Object)
                {
                    var isEssential = acr.TryGetProperty("essential", out var flag) && flag.ValueKind == JsonValueKind.True;
                    (isEssential ? essential : voluntary).AddRange(Values(acr));
                }
            }
        }
        catch (JsonException)
        {
            // Not JSON: nothing is demanded by it.
        }

        return (essential, voluntary);
    }

    private static IEnumerable<string> Values(JsonElement acr)
    {
        if (acr.TryGetProperty("value", out var value) && value.ValueKind == JsonValueKind.String)
        {
            yield return value.GetString()!;
        }

        if (acr.TryGetProperty("values", out var values) && values.ValueKind == JsonValueKind.Array)
        {
            foreach (var item in values.EnumerateArray().Take(MaxValues).Where(item => item.ValueKind == JsonValueKind.String))
            {
                yield return item.GetString()!;
            }
        }
    }
}
