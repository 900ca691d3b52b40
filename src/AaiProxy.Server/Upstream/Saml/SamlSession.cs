using System.Text.Json;
using AaiProxy.Saml.Validation;
using Microsoft.AspNetCore.Authentication;

namespace AaiProxy.Server.Upstream.Saml;

/// <summary>
/// The IdP session a proxy session came from (NameID, SessionIndex), kept in the proxy's
/// data-protected session cookie so Single Logout can name it later.
/// </summary>
internal static class SamlSession
{
    private const string ItemKey = "saml.session";

    public static AuthenticationProperties Attach(AuthenticationProperties properties, SamlSessionReference session)
    {
        properties.Items[ItemKey] = JsonSerializer.Serialize(session);
        return properties;
    }

    public static SamlSessionReference? Read(AuthenticationProperties? properties) =>
        properties?.Items.TryGetValue(ItemKey, out var json) == true && json is not null
            ? JsonSerializer.Deserialize<SamlSessionReference>(json)
            : null;
}
