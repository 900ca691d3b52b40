namespace AaiProxy.Identity;

/// <summary>OIDC claim names the proxy releases downstream (EGI Check-in / REFEDS OIDCre vocabulary).</summary>
public static class CommunityClaims
{
    public const string Subject = "sub";
    public const string Name = "name";
    public const string GivenName = "given_name";
    public const string FamilyName = "family_name";
    public const string PreferredUsername = "preferred_username";
    public const string Email = "email";
    public const string EmailVerified = "email_verified";
    public const string VoPersonId = "voperson_id";
    public const string EduPersonEntitlement = "eduperson_entitlement";
    public const string EduPersonScopedAffiliation = "eduperson_scoped_affiliation";
    public const string EduPersonAssurance = "eduperson_assurance";
    public const string SchacHomeOrganization = "schac_home_organization";
    public const string VoPersonExternalAffiliation = "voperson_external_affiliation";
    public const string AuthenticationContextClass = "acr";
    public const string Proposals = "proposals";
}

/// <summary>
/// Who the claims are computed for: the client, and the scopes of the grant. Enrichers that shape
/// per client (groups) read it; the client's settings are looked up by <see cref="ClientId"/> in one place.
/// </summary>
public sealed record ClaimsRecipient(string ClientId, IReadOnlyCollection<string> Scopes);

/// <summary>
/// The claims computed for one person, by name, in the order enrichers produced them. Values are
/// strings; each downstream protocol gives them the JSON type of <see cref="ClaimTable"/>
/// (<see cref="CommunityClaims.EmailVerified"/> is "true" or "false").
/// </summary>
public sealed class CommunityClaimSet
{
    private readonly Dictionary<string, List<string>> _values = new(StringComparer.Ordinal);

    public IEnumerable<string> Names => _values.Keys;

    public IReadOnlyList<string> Values(string name) =>
        _values.TryGetValue(name, out var values) ? values : [];

    /// <summary>Adds values to a claim, skipping empty strings and duplicates.</summary>
    public void Add(string name, IEnumerable<string> values)
    {
        foreach (var value in values)
        {
            if (string.IsNullOrWhiteSpace(value))
            {
                continue;
            }

            if (!_values.TryGetValue(name, out var list))
            {
                _values[name] = list = [];
            }

            if (!list.Contains(value, StringComparer.Ordinal))
            {
                list.Add(value);
            }
        }
    }

    public void Add(string name, string? value)
    {
        if (value is not null)
        {
            Add(name, [value]);
        }
    }

    /// <summary>Replaces every value of a claim.</summary>
    public void Set(string name, string value) => _values[name] = [value];

    public void Remove(string name) => _values.Remove(name);
}

/// <summary>
/// One step of claims computation over the internal identity. Enrichers run in ascending
/// <see cref="Order"/>; later steps (groups, proposals, assurance) may read and change what earlier
/// steps produced.
/// </summary>
public interface IClaimsEnricher
{
    int Order { get; }

    ValueTask EnrichAsync(ResolvedIdentity identity, ClaimsRecipient recipient, CommunityClaimSet claims, CancellationToken cancellationToken);
}

/// <summary>Well-known enricher orders, spaced so that later features slot in between.</summary>
public static class ClaimsEnricherOrder
{
    public const int CommunityIdentifier = 1_000;
    public const int UpstreamAttributes = 2_000;
    public const int AuthenticationContext = 3_000;
    public const int Groups = 4_000;
    public const int Assurance = 5_000;
}
