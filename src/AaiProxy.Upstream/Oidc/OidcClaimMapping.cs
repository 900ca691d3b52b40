using AaiProxy.Identity;

namespace AaiProxy.Upstream.Oidc;

/// <summary>
/// Which OpenID Connect claim becomes which internal attribute (<see cref="InternalAttributes"/>). The
/// internal names are the REFEDS OIDCre / AARC claim names, so by default a claim maps to the attribute of
/// its own name; a provider that names a claim differently gets an override (claim → internal name), which
/// wins over the default claim for the same attribute. Identifiers are not mapped: an OIDC login is linked
/// by <c>sub</c> alone.
/// </summary>
public sealed class OidcClaimMapping
{
    private static readonly string[] Mappable =
    [
        InternalAttributes.Email,
        InternalAttributes.Name,
        InternalAttributes.GivenName,
        InternalAttributes.FamilyName,
        InternalAttributes.EduPersonPrincipalName,
        InternalAttributes.EduPersonScopedAffiliation,
        InternalAttributes.EduPersonAssurance,
        InternalAttributes.EduPersonEntitlement,
        InternalAttributes.SchacHomeOrganization,
        InternalAttributes.VoPersonExternalAffiliation,
    ];

    // Claim → internal name, overrides first: the first claim that has values fills an attribute.
    private readonly (string Claim, string Internal)[] _pairs;

    private OidcClaimMapping((string Claim, string Internal)[] pairs) => _pairs = pairs;

    /// <summary>Every mappable attribute from the claim of the same name.</summary>
    public static OidcClaimMapping Default { get; } = new([.. Mappable.Select(name => (name, name))]);

    /// <summary>The internal attributes a claim may be mapped to.</summary>
    public static IReadOnlyList<string> MappableAttributes => Mappable;

    /// <summary>The default mapping with <paramref name="overrides"/> (claim name → internal name) before it.</summary>
    /// <exception cref="ArgumentException">An override names an attribute outside <see cref="MappableAttributes"/>.</exception>
    public static OidcClaimMapping WithOverrides(IReadOnlyDictionary<string, string> overrides)
    {
        if (overrides.FirstOrDefault(pair => !Mappable.Contains(pair.Value, StringComparer.Ordinal)) is { Key: not null } wrong)
        {
            throw new ArgumentException($"The claim '{wrong.Key}' cannot be mapped to '{wrong.Value}': not a mappable attribute.", nameof(overrides));
        }

        return new([.. overrides.Select(pair => (pair.Key, pair.Value)), .. Default._pairs]);
    }

    /// <summary>The claims this mapping reads (to ask the userinfo response for them).</summary>
    public IEnumerable<string> ClaimNames => _pairs.Select(pair => pair.Claim).Distinct(StringComparer.Ordinal);

    /// <summary>The internal attributes of a login's claims.</summary>
    public Dictionary<string, IReadOnlyList<string>> Map(ValidatedOidcLogin login)
    {
        var attributes = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        foreach (var (claim, internalName) in _pairs)
        {
            if (!attributes.ContainsKey(internalName) && login.Values(claim).Where(value => value.Length > 0).ToList() is { Count: > 0 } values)
            {
                attributes[internalName] = values;
            }
        }

        return attributes;
    }
}
