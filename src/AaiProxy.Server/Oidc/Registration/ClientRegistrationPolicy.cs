using System.Text.Json;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace AaiProxy.Server.Oidc.Registration;

/// <summary>What a registration request may register: a public native client (RFC 8252) for the device grant or the
/// code flow with loopback redirect URIs, refresh tokens optional.</summary>
/// <param name="ClientName">The requested <c>client_name</c>, cleaned (null when none was given).</param>
/// <param name="RedirectUris">The loopback redirect URIs, exactly as requested (none without the code flow).</param>
public sealed record RegisteredClientMetadata(
    string? ClientName,
    IReadOnlyList<string> RedirectUris,
    IReadOnlyList<string> GrantTypes,
    IReadOnlyList<string> ResponseTypes,
    IReadOnlyList<string> Scopes);

/// <summary>A refused registration: an RFC 7591 §3.2.2 error code and why.</summary>
public sealed record RegistrationRefusal(string Error, string Description);

/// <summary>
/// The proxy's registration policy over a client metadata document (RFC 7591 §2), one rule per method: only public
/// clients (<c>token_endpoint_auth_method</c> <c>none</c>, or none named), only the device grant and the code flow with
/// <c>http</c> loopback redirect URIs (any port, RFC 8252 §7.3), scopes limited to
/// <see cref="DynamicRegistrationOptions.AllowedScopes"/>. Metadata it does not use is ignored (§2), a software
/// statement included (§2.3: not required, not read). Where the RFC lets the server choose (§2: "MAY replace"), it
/// narrows: requested scopes it does not allow are left out, and redirect URIs of a client without the code flow are not
/// registered (oidc-agent lists some with the device grant alone).
/// </summary>
public static class ClientRegistrationPolicy
{
    public const string InvalidClientMetadata = "invalid_client_metadata";
    public const string InvalidRedirectUri = "invalid_redirect_uri";
    public const int MaxRedirectUris = 10;
    public const int MaxClientNameLength = 100;
    private const int MaxUriLength = 2000;

    private static readonly string[] AllowedGrantTypes = [GrantTypes.AuthorizationCode, GrantTypes.DeviceCode, GrantTypes.RefreshToken];

    /// <summary>The client <paramref name="metadata"/> may register, or null with the <paramref name="refusal"/>.</summary>
    public static RegisteredClientMetadata? Evaluate(JsonElement metadata, DynamicRegistrationOptions options, out RegistrationRefusal? refusal)
    {
        if (metadata.ValueKind != JsonValueKind.Object)
        {
            refusal = new RegistrationRefusal(InvalidClientMetadata, "The request body must be a JSON object of client metadata (RFC 7591 §3.1).");
            return null;
        }

        // Each rule in turn; the first refusal is the answer.
        refusal = PublicClientOnly(metadata);
        if (refusal is not null)
            return null;
        refusal = StringArray(metadata, "grant_types", [GrantTypes.AuthorizationCode], out var grants) ?? SupportedGrants(grants);
        if (refusal is not null)
            return null;
        var codeFlow = grants.Contains(GrantTypes.AuthorizationCode);
        refusal = StringArray(metadata, "response_types", codeFlow ? [ResponseTypes.Code] : [], out var responses) ?? ConsistentResponseTypes(codeFlow, responses);
        if (refusal is not null)
            return null;
        refusal = LoopbackRedirectUris(metadata, codeFlow, out var redirects);
        if (refusal is not null)
            return null;
        refusal = AllowedScopes(metadata, options, out var scopes);
        if (refusal is not null)
            return null;
        refusal = ClientName(metadata, out var name);
        return refusal is null ? new RegisteredClientMetadata(name, redirects, grants, responses, scopes) : null;
    }

    // RFC 7591 §2 token_endpoint_auth_method: a program on the person's device cannot keep a secret (RFC 8252 §8.5), so
    // "none" only. Named not at all (oidc-agent names none), the proxy registers "none" and says so in its answer.
    private static RegistrationRefusal? PublicClientOnly(JsonElement metadata) =>
        metadata.TryGetProperty("token_endpoint_auth_method", out var method) &&
        !(method.ValueKind == JsonValueKind.String && method.GetString() == ClientAuthenticationMethods.None)
            ? new RegistrationRefusal(InvalidClientMetadata, "Only public clients may register: token_endpoint_auth_method must be \"none\".")
            : null;

    // RFC 7591 §2 grant_types: of these, the device grant (RFC 8628) and the code flow, each optionally with refresh tokens.
    private static RegistrationRefusal? SupportedGrants(IReadOnlyList<string> grants)
    {
        if (grants.FirstOrDefault(grant => !AllowedGrantTypes.Contains(grant, StringComparer.Ordinal)) is { } other)
            return new RegistrationRefusal(InvalidClientMetadata, $"The grant type '{Clip(other)}' is not open to registered clients: use {string.Join(", ", AllowedGrantTypes)}.");
        return grants.Contains(GrantTypes.AuthorizationCode) || grants.Contains(GrantTypes.DeviceCode)
            ? null
            : new RegistrationRefusal(InvalidClientMetadata, $"grant_types must include {GrantTypes.DeviceCode} or {GrantTypes.AuthorizationCode}.");
    }

    // RFC 7591 §2.1: response type "code" goes with the authorization_code grant, and no other response type is supported.
    private static RegistrationRefusal? ConsistentResponseTypes(bool codeFlow, IReadOnlyList<string> responses)
    {
        if (responses.FirstOrDefault(response => response != ResponseTypes.Code) is { } other)
            return new RegistrationRefusal(InvalidClientMetadata, $"The response type '{Clip(other)}' is not supported: only \"code\".");
        return responses.Contains(ResponseTypes.Code) == codeFlow
            ? null
            : new RegistrationRefusal(InvalidClientMetadata, "response_types \"code\" and grant_types \"authorization_code\" go together (RFC 7591 §2.1).");
    }

    // RFC 7591 §2 redirect_uris, RFC 8252 §7.3: a code-flow client registers http loopback URIs (127.0.0.1, [::1] or
    // localhost); any other URI is invalid_redirect_uri (§3.2.2). Without the code flow no redirect URI is registered.
    private static RegistrationRefusal? LoopbackRedirectUris(JsonElement metadata, bool codeFlow, out IReadOnlyList<string> redirects)
    {
        redirects = [];
        if (!codeFlow)
            return null;
        if (StringArray(metadata, "redirect_uris", [], out var requested) is { } malformed)
            return malformed with { Error = InvalidRedirectUri };
        if (requested.Count == 0)
            return new RegistrationRefusal(InvalidRedirectUri, "A client of the code flow must register at least one loopback redirect URI.");
        if (requested.Count > MaxRedirectUris)
            return new RegistrationRefusal(InvalidRedirectUri, $"At most {MaxRedirectUris} redirect URIs may be registered.");
        if (requested.FirstOrDefault(uri => !IsLoopback(uri)) is { } other)
            return new RegistrationRefusal(InvalidRedirectUri,
                $"The redirect URI '{Clip(other)}' is not an http loopback URI (http://127.0.0.1, http://[::1] or http://localhost, any port; RFC 8252 §7.3).");
        redirects = [.. requested.Distinct(StringComparer.Ordinal)];
        return null;
    }

    // RFC 7591 §2 scope: the allowed ones of those asked for; all allowed when none are named; none allowed is a refusal.
    private static RegistrationRefusal? AllowedScopes(JsonElement metadata, DynamicRegistrationOptions options, out IReadOnlyList<string> scopes)
    {
        scopes = options.AllowedScopes;
        if (!metadata.TryGetProperty("scope", out var scope))
            return null;
        if (scope.ValueKind != JsonValueKind.String)
            return new RegistrationRefusal(InvalidClientMetadata, "scope must be a string of space-separated scope values.");
        var requested = scope.GetString()!.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        scopes = [.. options.AllowedScopes.Where(allowed => requested.Contains(allowed, StringComparer.Ordinal))];
        return scopes.Count > 0
            ? null
            : new RegistrationRefusal(InvalidClientMetadata, $"None of the requested scopes may be registered: use some of {string.Join(' ', options.AllowedScopes)}.");
    }

    // RFC 7591 §2 client_name: shown to people (device verification, consent), so bounded and without control characters.
    private static RegistrationRefusal? ClientName(JsonElement metadata, out string? name)
    {
        name = null;
        if (!metadata.TryGetProperty("client_name", out var value))
            return null;
        if (value.ValueKind != JsonValueKind.String)
            return new RegistrationRefusal(InvalidClientMetadata, "client_name must be a string.");
        var cleaned = new string([.. value.GetString()!.Where(c => !char.IsControl(c))]).Trim();
        if (cleaned.Length > MaxClientNameLength)
            return new RegistrationRefusal(InvalidClientMetadata, $"client_name is longer than {MaxClientNameLength} characters.");
        name = cleaned.Length > 0 ? cleaned : null;
        return null;
    }

    // No '{': that would be the proxy's {origin} placeholder of configured clients (and is no valid URI character).
    private static bool IsLoopback(string uri) =>
        uri.Length <= MaxUriLength && !uri.Contains('{') && Uri.TryCreate(uri, UriKind.Absolute, out var parsed) && parsed.Fragment.Length == 0 &&
        RedirectUriMatch.Loopback(uri) is not null;

    /// <summary>An optional array of strings; <paramref name="fallback"/> when absent (RFC 7591 §2 defaults).</summary>
    private static RegistrationRefusal? StringArray(JsonElement metadata, string name, IReadOnlyList<string> fallback, out IReadOnlyList<string> values)
    {
        values = fallback;
        if (!metadata.TryGetProperty(name, out var array))
            return null;
        if (array.ValueKind != JsonValueKind.Array || array.EnumerateArray().Any(item => item.ValueKind != JsonValueKind.String))
            return new RegistrationRefusal(InvalidClientMetadata, $"{name} must be an array of strings.");
        values = [.. array.EnumerateArray().Select(item => item.GetString()!).Distinct(StringComparer.Ordinal)];
        return null;
    }

    private static string Clip(string text) => Web.LogText.Untrusted(text)!;
}
