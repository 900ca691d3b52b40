using System.Text;

namespace AaiProxy.Identity;

/// <summary>The JSON type a released claim always has, whatever the number of values.</summary>
public enum ClaimJsonType
{
    String,
    Boolean,
    Number,

    /// <summary>Multi-valued: always a JSON array, even with one value.</summary>
    StringArray,

    /// <summary>Multi-valued, each value a JSON object (computed as its JSON text): always a JSON array of objects.</summary>
    ObjectArray,
}

/// <summary>Where a released claim goes.</summary>
[Flags]
public enum ClaimDestinations
{
    None = 0,
    IdToken = 1,
    AccessToken = 2,
    UserInfo = 4,
    All = IdToken | AccessToken | UserInfo,
}

/// <summary>One claim the proxy releases.</summary>
/// <param name="Scopes">The scopes that release it; empty: released whatever the scopes.</param>
public sealed record ClaimDefinition(string Name, ClaimJsonType Type, IReadOnlyList<string> Scopes, ClaimDestinations Destinations, string Description)
{
    public bool MultiValued => Type is ClaimJsonType.StringArray or ClaimJsonType.ObjectArray;

    public bool IsReleasedBy(IEnumerable<string> grantedScopes) => Scopes.Count == 0 || grantedScopes.Any(Scopes.Contains);
}

/// <summary>
/// THE claim table: every claim the proxy releases downstream, its JSON type, the scopes that release
/// it (EGI Check-in's table, STANDARDS.md) and its destinations. Tokens, userinfo, discovery and
/// docs/claims.md are all derived from it.
/// </summary>
public static class ClaimTable
{
    public const string OpenIdScope = "openid";
    public const string ProfileScope = "profile";
    public const string EmailScope = "email";
    public const string AarcScope = "aarc";
    public const string OfflineAccessScope = "offline_access";
    public const string ProposalsScope = "proposals";

    public static IReadOnlyList<ClaimDefinition> Claims { get; } =
    [
        new(CommunityClaims.Subject, ClaimJsonType.String, [], ClaimDestinations.All,
            "The community account id: opaque, persistent, never reassigned (also `voperson_id`); for a client with `SectorIdentifier`, a pairwise id per sector instead."),
        new(CommunityClaims.Name, ClaimJsonType.String, [ProfileScope, AarcScope], ClaimDestinations.All,
            "Display name from upstream, else given and family name."),
        new(CommunityClaims.GivenName, ClaimJsonType.String, [ProfileScope, AarcScope], ClaimDestinations.All, "Given name from upstream."),
        new(CommunityClaims.FamilyName, ClaimJsonType.String, [ProfileScope, AarcScope], ClaimDestinations.All, "Family name from upstream."),
        new(CommunityClaims.PreferredUsername, ClaimJsonType.String, [ProfileScope, AarcScope], ClaimDestinations.All,
            "Chosen once at account creation, never changed or reassigned; a Unix account name (`[a-z_][a-z0-9_-]*`, at most 32)."),
        new(CommunityClaims.Email, ClaimJsonType.String, [EmailScope, AarcScope], ClaimDestinations.All, "The first upstream email address, else the account's first verified one."),
        new(CommunityClaims.EmailVerified, ClaimJsonType.Boolean, [EmailScope, AarcScope], ClaimDestinations.All,
            "True only for an address the account has verified: by a mailed link, or released by an IdP whose scope covers its domain (REFEDS OIDCre)."),
        new(CommunityClaims.VoPersonId, ClaimJsonType.String, [CommunityClaims.VoPersonId, AarcScope], ClaimDestinations.All,
            "The community user identifier (AARC-G026), equal to the public `sub`; never released to a pairwise client."),
        new(CommunityClaims.EduPersonEntitlement, ClaimJsonType.StringArray, [CommunityClaims.EduPersonEntitlement], ClaimDestinations.All,
            "Entitlements: the proxy's own AARC-G069 group values (`<namespace>:group:<path>:role=<role>#<authority>`) for the groups the client may see; upstream values only from allow-listed issuer prefixes, never in the proxy's own namespaces."),
        new(CommunityClaims.EduPersonScopedAffiliation, ClaimJsonType.StringArray, [CommunityClaims.EduPersonScopedAffiliation], ClaimDestinations.All,
            "Affiliations at the home organisation, scope-checked upstream."),
        new(CommunityClaims.EduPersonAssurance, ClaimJsonType.StringArray, [CommunityClaims.EduPersonAssurance], ClaimDestinations.All,
            "REFEDS RAF per login: `ID/unique` and `IAP/low` always; the IdP's RAF values only from an issuer trusted for assurance (`Assurance:Issuers`), the conformance value only if it is also Sirtfi (configured, or in its federation metadata); `profile/cappuccino` and `profile/espresso` derived when all their parts hold."),
        new(CommunityClaims.SchacHomeOrganization, ClaimJsonType.String, [CommunityClaims.SchacHomeOrganization], ClaimDestinations.All,
            "The home organisation's domain."),
        new(CommunityClaims.VoPersonExternalAffiliation, ClaimJsonType.StringArray, [CommunityClaims.VoPersonExternalAffiliation], ClaimDestinations.All,
            "Affiliations asserted by an external organisation."),
        new(CommunityClaims.Proposals, ClaimJsonType.ObjectArray, [ProposalsScope], ClaimDestinations.All,
            "Experiment proposals whose team the person is on, of the facilities the client may see: `{\"facility\", \"id\", \"roles\", \"embargo_end\"}` (`embargo_end` RFC 3339 UTC, null while no beamtime is scheduled)."),
        new(CommunityClaims.AuthenticationContextClass, ClaimJsonType.String, [], ClaimDestinations.IdToken | ClaimDestinations.AccessToken,
            "How the person authenticated upstream (e.g. `https://refeds.org/profile/mfa`)."),
    ];

    /// <summary>
    /// A client's plain groups claim (<c>AaiProxy:Clients[].Groups:PlainClaim</c>): released under the
    /// name the client configures, which may be no table claim's name; its values are the proposal ids,
    /// group paths or entitlements of the groups the client may see.
    /// </summary>
    public static ClaimDefinition PlainGroups { get; } = new(
        "<Clients[].Groups.PlainClaim.Name>", ClaimJsonType.StringArray, [ProposalsScope, CommunityClaims.EduPersonEntitlement], ClaimDestinations.All,
        "Only for a client that configures it, under the configured name: its `Groups:PlainClaim:Form` of each group the client may see (`ProposalId`, `GroupPath` or `Entitlement`).");

    private static readonly Dictionary<string, ClaimDefinition> ByName = Claims.ToDictionary(claim => claim.Name, StringComparer.Ordinal);

    /// <summary>Every scope the proxy understands: those that release claims, then <c>offline_access</c>.</summary>
    public static IReadOnlyList<string> Scopes { get; } =
        [OpenIdScope, .. Claims.SelectMany(claim => claim.Scopes).Distinct(StringComparer.Ordinal), OfflineAccessScope];

    public static ClaimDefinition? Find(string name) => ByName.GetValueOrDefault(name);

    /// <summary>The claims one client can receive: the table, and its plain groups claim under its configured name.</summary>
    public static IReadOnlyList<ClaimDefinition> ForClient(string? plainGroupsClaimName) =>
        plainGroupsClaimName is null ? Claims : [.. Claims, PlainGroups with { Name = plainGroupsClaimName }];

    /// <summary>The claims of <paramref name="claims"/> (<see cref="ForClient"/>) a grant with these scopes releases to any of <paramref name="destinations"/>.</summary>
    public static IEnumerable<ClaimDefinition> Released(
        IReadOnlyList<ClaimDefinition> claims, IEnumerable<string> grantedScopes, ClaimDestinations destinations)
    {
        var scopes = grantedScopes.ToList();
        return claims.Where(claim => (claim.Destinations & destinations) != 0 && claim.IsReleasedBy(scopes));
    }

    /// <summary>The table as the markdown of docs/claims.md (a test holds the file equal to it).</summary>
    public static string ToMarkdown()
    {
        var markdown = new StringBuilder()
            .Append("| claim | JSON type | scopes | ID token | access token | userinfo | description |\n")
            .Append("|---|---|---|---|---|---|---|\n");
        foreach (var claim in Claims.Append(PlainGroups))
        {
            markdown.Append($"| `{claim.Name}` | {JsonTypeName(claim.Type)} | ")
                .Append(claim.Scopes.Count == 0 ? "always" : string.Join(", ", claim.Scopes.Select(scope => $"`{scope}`")))
                .Append(" | ").Append(Mark(claim, ClaimDestinations.IdToken))
                .Append(" | ").Append(Mark(claim, ClaimDestinations.AccessToken))
                .Append(" | ").Append(Mark(claim, ClaimDestinations.UserInfo))
                .Append(" | ").Append(claim.Description).Append(" |\n");
        }

        return markdown.ToString();
    }

    public static string JsonTypeName(ClaimJsonType type) => type switch
    {
        ClaimJsonType.String => "string",
        ClaimJsonType.Boolean => "boolean",
        ClaimJsonType.Number => "number",
        ClaimJsonType.StringArray => "array of strings",
        ClaimJsonType.ObjectArray => "array of objects",
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, null),
    };

    private static string Mark(ClaimDefinition claim, ClaimDestinations destination) => claim.Destinations.HasFlag(destination) ? "yes" : "no";
}
