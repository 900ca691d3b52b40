namespace AaiProxy.Saml;

/// <summary>Status codes (Core 3.2.2.2) the proxy sends or acts on.</summary>
public static class SamlStatusCodes
{
    public const string Success = "urn:oasis:names:tc:SAML:2.0:status:Success";
    public const string Requester = "urn:oasis:names:tc:SAML:2.0:status:Requester";
    public const string Responder = "urn:oasis:names:tc:SAML:2.0:status:Responder";
    public const string VersionMismatch = "urn:oasis:names:tc:SAML:2.0:status:VersionMismatch";

    /// <summary>Second-level: the requested authentication context cannot be met (Core 3.3.2.2.1).</summary>
    public const string NoAuthnContext = "urn:oasis:names:tc:SAML:2.0:status:NoAuthnContext";

    /// <summary>Second-level: the IdP could not authenticate the person.</summary>
    public const string AuthnFailed = "urn:oasis:names:tc:SAML:2.0:status:AuthnFailed";

    /// <summary>Second-level: not every session could be ended.</summary>
    public const string PartialLogout = "urn:oasis:names:tc:SAML:2.0:status:PartialLogout";

    /// <summary>Second-level: the request was understood but refused (e.g. a bad signature).</summary>
    public const string RequestDenied = "urn:oasis:names:tc:SAML:2.0:status:RequestDenied";
}
