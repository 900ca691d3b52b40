namespace AaiProxy.Saml.Requests;

/// <summary>How the IdP compares its authentication with the requested classes (Core 3.3.2.2.1).</summary>
public enum AuthnContextComparison
{
    /// <summary>One of the listed classes exactly.</summary>
    Exact,

    /// <summary>At least as strong as one of the listed classes.</summary>
    Minimum,
}

/// <summary>The <c>RequestedAuthnContext</c> of an AuthnRequest, e.g. REFEDS MFA.</summary>
/// <param name="ClassReferences"><c>AuthnContextClassRef</c> values, e.g. <see cref="RefedsMfa"/>; at least one.</param>
/// <param name="Comparison">The comparison the IdP applies.</param>
public sealed record RequestedAuthnContext(IReadOnlyList<string> ClassReferences, AuthnContextComparison Comparison = AuthnContextComparison.Exact)
{
    /// <summary>REFEDS Multi-Factor Authentication Profile.</summary>
    public const string RefedsMfa = "https://refeds.org/profile/mfa";

    /// <summary>REFEDS Single-Factor Authentication Profile.</summary>
    public const string RefedsSfa = "https://refeds.org/profile/sfa";
}
