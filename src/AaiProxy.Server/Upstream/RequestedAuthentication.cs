using System.Text.Json;
using Microsoft.AspNetCore.Authentication;

namespace AaiProxy.Server.Upstream;

/// <summary>
/// What one upstream login is asked to achieve, decided once (at the authorization endpoint) and carried
/// unchanged in the <see cref="AuthenticationProperties"/> of the upstream scheme's challenge, through the
/// login page and the upstream provider, back to where the login returns.
/// </summary>
/// <param name="ReturnUrl">The local URL to continue with (the authorization request that needed the login).</param>
/// <param name="Provider">The upstream provider within the scheme (a SAML IdP's entity ID); null until chosen.</param>
/// <param name="ContextClasses">Authentication context classes the upstream provider must use one of; empty: any.</param>
/// <param name="Force">Authenticate again even when the upstream provider has a session (<c>prompt=login</c>, <c>max_age</c>).</param>
public sealed record RequestedAuthentication(string ReturnUrl, string? Provider, IReadOnlyList<string> ContextClasses, bool Force)
{
    private const string ItemKey = "aaiproxy.requested";

    // What travels besides the return URL, which is the properties' own RedirectUri (kept once: the properties
    // ride in a cookie while the person is at the upstream provider, and a cookie holds 4 KB).
    private sealed record Demands(string? Provider, IReadOnlyList<string> ContextClasses, bool Force);

    /// <summary>Properties for a challenge of an upstream scheme.</summary>
    public AuthenticationProperties ToProperties()
    {
        var properties = new AuthenticationProperties { RedirectUri = ReturnUrl };
        properties.Items[ItemKey] = JsonSerializer.Serialize(new Demands(Provider, ContextClasses, Force));
        return properties;
    }

    /// <summary>The requested authentication a challenge (or the answer to it) carries; null when none.</summary>
    public static RequestedAuthentication? From(AuthenticationProperties? properties) =>
        properties?.Items.TryGetValue(ItemKey, out var json) == true && json is not null && properties.RedirectUri is { } returnUrl &&
        JsonSerializer.Deserialize<Demands>(json) is { } demands
            ? new RequestedAuthentication(returnUrl, demands.Provider, demands.ContextClasses, demands.Force)
            : null;
}
