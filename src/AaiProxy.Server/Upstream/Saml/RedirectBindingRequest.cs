using AaiProxy.Saml.Bindings;

namespace AaiProxy.Server.Upstream.Saml;

internal static class RedirectBindingRequest
{
    /// <summary>Decodes the HTTP-Redirect message of this request from its query exactly as received
    /// (Bindings 3.4.4.1: the signature covers the raw, still URL-encoded parameters).</summary>
    /// <exception cref="SamlBindingException">The query holds no acceptable SAML message.</exception>
    public static HttpRedirectMessage DecodeSamlRedirect(this HttpRequest request) =>
        HttpRedirectBinding.Decode(request.QueryString.Value?.TrimStart('?') ?? "");
}
