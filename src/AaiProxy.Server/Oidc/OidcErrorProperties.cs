using Microsoft.AspNetCore.Authentication;
using OpenIddict.Server.AspNetCore;

namespace AaiProxy.Server.Oidc;

/// <summary>The properties that make OpenIddict answer a passthrough endpoint's request with an OAuth error.</summary>
internal static class OidcErrorProperties
{
    public static AuthenticationProperties For(string error, string description) =>
        new(new Dictionary<string, string?>
        {
            [OpenIddictServerAspNetCoreConstants.Properties.Error] = error,
            [OpenIddictServerAspNetCoreConstants.Properties.ErrorDescription] = description,
        });
}
