using AaiProxy.Federation.Model;

namespace AaiProxy.Federation.Sources;

/// <summary>
/// Which identity providers of a source are used. Every include list that is set must match (an
/// entity in any of its values); any exclude that matches removes the entity. Empty lists are unset.
/// </summary>
public sealed record EntityFilter
{
    // Declared before All: static initialisers run in textual order.
    private static readonly IReadOnlySet<string> Empty = new HashSet<string>(StringComparer.Ordinal);

    public static EntityFilter All { get; } = new();

    public IReadOnlySet<string> IncludeRegistrationAuthorities { get; init; } = Empty;
    public IReadOnlySet<string> ExcludeRegistrationAuthorities { get; init; } = Empty;
    public IReadOnlySet<string> IncludeEntityCategories { get; init; } = Empty;
    public IReadOnlySet<string> ExcludeEntityCategories { get; init; } = Empty;
    public IReadOnlySet<string> IncludeEntityIds { get; init; } = Empty;
    public IReadOnlySet<string> ExcludeEntityIds { get; init; } = Empty;

    /// <summary><c>assurance-certification</c> values (e.g. Sirtfi, an IGTF profile).</summary>
    public IReadOnlySet<string> IncludeAssuranceCertifications { get; init; } = Empty;

    /// <summary>Only IdPs that assert Sirtfi (REFEDS security incident response trust framework).</summary>
    public bool RequireSirtfi { get; init; }

    public bool Accepts(FederationEntity entity)
    {
        ArgumentNullException.ThrowIfNull(entity);
        var authority = entity.RegistrationAuthority ?? "";
        return Includes(IncludeRegistrationAuthorities, [authority])
               && Includes(IncludeEntityCategories, entity.EntityCategories)
               && Includes(IncludeEntityIds, [entity.EntityId])
               && Includes(IncludeAssuranceCertifications, entity.AssuranceCertifications)
               && (!RequireSirtfi || entity.HasSirtfi)
               && !ExcludeRegistrationAuthorities.Contains(authority)
               && !entity.EntityCategories.Any(ExcludeEntityCategories.Contains)
               && !ExcludeEntityIds.Contains(entity.EntityId);
    }

    private static bool Includes(IReadOnlySet<string> included, IEnumerable<string> values) =>
        included.Count == 0 || values.Any(included.Contains);
}
