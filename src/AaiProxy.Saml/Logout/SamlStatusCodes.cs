namespace AaiProxy.Saml.Logout;

/// <summary>Status codes (Core 3.2.2.2) used in logout.</summary>
public static class SamlStatusCodes
{
    public const string Success = "urn:oasis:names:tc:SAML:2.0:status:Success";
    public const string Requester = "urn:oasis:names:tc:SAML:2.0:status:Requester";
    public const string Responder = "urn:oasis:names:tc:SAML:2.0:status:Responder";
    public const string VersionMismatch = "urn:oasis:names:tc:SAML:2.0:status:VersionMismatch";

    /// <summary>Second-level: not every session could be ended.</summary>
    public const string PartialLogout = "urn:oasis:names:tc:SAML:2.0:status:PartialLogout";

    /// <summary>Second-level: the request was understood but refused (e.g. a bad signature).</summary>
    public const string RequestDenied = "urn:oasis:names:tc:SAML:2.0:status:RequestDenied";
}
