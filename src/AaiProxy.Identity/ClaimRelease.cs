namespace AaiProxy.Identity;

/// <summary>
/// Which scope releases which claim, as EGI Check-in does (STANDARDS.md). <c>sub</c> and <c>acr</c>
/// are always released.
/// </summary>
public static class ClaimRelease
{
    public const string OpenIdScope = "openid";
    public const string ProfileScope = "profile";
    public const string EmailScope = "email";
    public const string AarcScope = "aarc";
    public const string OfflineAccessScope = "offline_access";

    private static readonly string[] ProfileClaims =
        [CommunityClaims.Name, CommunityClaims.GivenName, CommunityClaims.FamilyName, CommunityClaims.PreferredUsername];

    private static readonly string[] EmailClaims = [CommunityClaims.Email, CommunityClaims.EmailVerified];

    /// <summary>Claims released by each scope.</summary>
    public static IReadOnlyDictionary<string, IReadOnlyList<string>> ClaimsByScope { get; } =
        new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal)
        {
            [OpenIdScope] = [CommunityClaims.Subject],
            [ProfileScope] = ProfileClaims,
            [EmailScope] = EmailClaims,
            [AarcScope] = [.. ProfileClaims, .. EmailClaims, CommunityClaims.VoPersonId],
            [CommunityClaims.VoPersonId] = [CommunityClaims.VoPersonId],
            [CommunityClaims.EduPersonEntitlement] = [CommunityClaims.EduPersonEntitlement],
            [CommunityClaims.EduPersonScopedAffiliation] = [CommunityClaims.EduPersonScopedAffiliation],
            [CommunityClaims.EduPersonAssurance] = [CommunityClaims.EduPersonAssurance],
            // Not in EGI's table: each gets a scope of its own name so that a client asks for it explicitly.
            [CommunityClaims.SchacHomeOrganization] = [CommunityClaims.SchacHomeOrganization],
            [CommunityClaims.VoPersonExternalAffiliation] = [CommunityClaims.VoPersonExternalAffiliation],
        };

    /// <summary>Every scope the proxy understands, including <c>offline_access</c>.</summary>
    public static IEnumerable<string> KnownScopes => ClaimsByScope.Keys.Append(OfflineAccessScope);

    /// <summary>Whether a claim may leave the proxy for a grant with these scopes.</summary>
    public static bool IsReleased(string claim, IEnumerable<string> grantedScopes) =>
        claim is CommunityClaims.Subject or CommunityClaims.AuthenticationContextClass ||
        grantedScopes.Any(scope => ClaimsByScope.TryGetValue(scope, out var claims) && claims.Contains(claim));
}
