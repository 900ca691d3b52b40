namespace AaiProxy.Saml.Requests;

/// <summary>What one login asks of the IdP.</summary>
public sealed record AuthnRequestOptions
{
    /// <summary>Make the IdP authenticate the person again even with a session (Core 3.4.1).</summary>
    public bool ForceAuthn { get; init; }

    /// <summary>Required authentication strength, e.g. REFEDS MFA when a client asks for it.</summary>
    public RequestedAuthnContext? RequestedAuthnContext { get; init; }

    /// <summary><c>NameIDPolicy/@Format</c>; null leaves the choice to the IdP (we rely on attributes, not NameID).</summary>
    public string? NameIdFormat { get; init; }

    /// <summary>Opaque state the IdP returns unchanged (at most 80 bytes).</summary>
    public string? RelayState { get; init; }
}
