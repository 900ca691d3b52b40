using Microsoft.AspNetCore.Authentication;

namespace AaiProxy.Server.Upstream.Saml;

/// <summary>The SAML SP as an upstream authentication scheme. Its callback is the Assertion Consumer Service.</summary>
public sealed class SamlAuthenticationOptions : RemoteAuthenticationOptions
{
    /// <summary>At most this many requested authentication context classes go into one AuthnRequest.</summary>
    public const int MaxRequestedContexts = 5;

    public SamlAuthenticationOptions()
    {
        CallbackPath = SamlPaths.AssertionConsumerService;
        Events = new RemoteAuthenticationEvents();
    }

    /// <summary>Largest ACS request body accepted (a SAMLResponse at the validator's limit, form-encoded, and a
    /// RelayState); a larger one is answered 413 before it is read.</summary>
    public long MaxRequestBodyBytes { get; set; } = 1024 * 1024;
}
