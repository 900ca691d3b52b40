namespace AaiProxy.Saml.Validation;

/// <summary>How strict the ACS is. Defaults are the safe choice.</summary>
public sealed class SamlValidationOptions
{
    /// <summary>Allowed clock difference with identity providers for every time window.</summary>
    public TimeSpan ClockSkew { get; init; } = TimeSpan.FromMinutes(3);

    /// <summary>Largest decoded response accepted; checked on the base64 length before decoding.</summary>
    public int MaxResponseBytes { get; init; } = 256 * 1024;

    /// <summary>Per-IdP exceptions to the defaults, by entity ID.</summary>
    public IReadOnlyDictionary<string, IdentityProviderPolicy> Policies { get; init; } =
        new Dictionary<string, IdentityProviderPolicy>(StringComparer.Ordinal);

    public IdentityProviderPolicy DefaultPolicy { get; init; } = new();

    /// <summary>Policies decided elsewhere (e.g. by rules on an IdP's federation metadata), asked for an IdP that
    /// <see cref="Policies"/> does not name; null from it means <see cref="DefaultPolicy"/>.</summary>
    public Func<string, IdentityProviderPolicy?>? PolicySource { get; init; }

    public IdentityProviderPolicy PolicyFor(string entityId) =>
        Policies.TryGetValue(entityId, out var policy) ? policy : PolicySource?.Invoke(entityId) ?? DefaultPolicy;
}

/// <param name="AllowUnsolicitedResponses">Accept IdP-initiated responses (no InResponseTo).</param>
/// <param name="AllowSha1">Accept RSA-SHA1 signatures and SHA-1 digests from this IdP (legacy only), for login
/// and logout messages alike.</param>
/// <param name="RequireEncryptedAssertions">Refuse assertions from this IdP that were not encrypted to us.</param>
/// <param name="AllowTripleDes">Accept tripledes-cbc content encryption from this IdP (legacy only; each use is
/// logged, and like every CBC mode it is accepted only inside a signed Response).</param>
public sealed record IdentityProviderPolicy(bool AllowUnsolicitedResponses = false, bool AllowSha1 = false,
    bool RequireEncryptedAssertions = false, bool AllowTripleDes = false);
