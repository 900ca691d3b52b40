namespace AaiProxy.Identity;

/// <summary>REFEDS Assurance Framework values (RAF 1.0 / 2.0).</summary>
public static class RefedsAssurance
{
    public const string Conformance = "https://refeds.org/assurance";
    public const string IdUnique = "https://refeds.org/assurance/ID/unique";
    public const string IdEppnUniqueNoReassign = "https://refeds.org/assurance/ID/eppn-unique-no-reassign";
    public const string IapLow = "https://refeds.org/assurance/IAP/low";
    public const string IapMedium = "https://refeds.org/assurance/IAP/medium";
    public const string IapHigh = "https://refeds.org/assurance/IAP/high";
    public const string IapLocalEnterprise = "https://refeds.org/assurance/IAP/local-enterprise";
    public const string AtpEpa1m = "https://refeds.org/assurance/ATP/ePA-1m";
    public const string AtpEpa1d = "https://refeds.org/assurance/ATP/ePA-1d";
    public const string Cappuccino = "https://refeds.org/assurance/profile/cappuccino";
    public const string Espresso = "https://refeds.org/assurance/profile/espresso";

    /// <summary>REFEDS MFA, the <c>acr</c> espresso needs.</summary>
    public const string MfaProfile = "https://refeds.org/profile/mfa";

    /// <summary>The profiles: never taken from upstream, derived here when all their parts hold.</summary>
    public static IReadOnlySet<string> Profiles { get; } = new HashSet<string>(StringComparer.Ordinal) { Cappuccino, Espresso };
}

/// <summary>What the proxy believes of one upstream issuer's assurance statements (<c>AaiProxy:Assurance:Issuers[]</c>).</summary>
public sealed class AssuranceIssuerOptions
{
    /// <summary>The SAML IdP entity ID or OIDC issuer.</summary>
    public string Issuer { get; set; } = "";

    /// <summary>Believe the REFEDS Assurance Framework values it releases (identity proofing is by nature its word).</summary>
    public bool TrustAssurance { get; set; }

    /// <summary>The issuer's organisation is Sirtfi-compliant (REFEDS RAF's conformance value needs it). Unset, a SAML
    /// IdP is still taken as Sirtfi-compliant when its federation metadata asserts Sirtfi (<see cref="ISirtfiMetadata"/>).</summary>
    public bool Sirtfi { get; set; }
}

/// <summary>Whether an upstream issuer's own metadata asserts Sirtfi (the <c>assurance-certification</c> entity
/// attribute <c>https://refeds.org/sirtfi</c> of a SAML IdP in federation metadata).</summary>
public interface ISirtfiMetadata
{
    ValueTask<bool> AssertsSirtfiAsync(string issuer, CancellationToken cancellationToken);
}

public sealed class AssuranceOptions
{
    public List<AssuranceIssuerOptions> Issuers { get; set; } = [];

    public AssuranceIssuerOptions? Find(string issuer) => Issuers.FirstOrDefault(candidate => candidate.Issuer == issuer);
}

/// <summary>
/// <c>eduperson_assurance</c> of one login, decided here only (REFEDS RAF):
/// <list type="bullet">
/// <item>the IdP's RAF values are kept only when its issuer is trusted for assurance (configured), and never its profiles;</item>
/// <item><c>ID/unique</c> always: the community id is unique, persistent and never reassigned;</item>
/// <item><c>IAP/low</c> always: every account is at least self-asserted (social and OIDC logins stay there unless trusted);</item>
/// <item>the conformance value <c>https://refeds.org/assurance</c> only for a trusted, Sirtfi-compliant issuer (by
/// configuration, or for a SAML IdP by its federation metadata);</item>
/// <item><c>profile/cappuccino</c> when conformance, ID/unique, IAP/medium and ATP/ePA-1m all hold;
/// <c>profile/espresso</c> when, besides, IAP/high holds and this login was REFEDS MFA.</item>
/// </list>
/// Runs after <see cref="UpstreamAttributeEnricher"/>, which copies (and filters) the upstream values it replaces.
/// </summary>
public sealed class AssuranceEnricher(AssuranceOptions options, ISirtfiMetadata metadata) : IClaimsEnricher
{
    public int Order => ClaimsEnricherOrder.Assurance;

    public async ValueTask EnrichAsync(ResolvedIdentity identity, ClaimsRecipient recipient, CommunityClaimSet claims, CancellationToken cancellationToken)
    {
        var released = claims.Values(CommunityClaims.EduPersonAssurance);
        var upstream = identity.Upstream;
        var issuer = options.Find(upstream.Issuer);
        // Metadata is asked only where it can change the outcome: a trusted SAML issuer not configured as Sirtfi.
        var sirtfiInMetadata = issuer is { TrustAssurance: true, Sirtfi: false } && upstream.Protocol == UpstreamProtocols.Saml2
            && await metadata.AssertsSirtfiAsync(upstream.Issuer, cancellationToken);
        var computed = Compute(released, issuer, upstream.Authentication.ContextClass, sirtfiInMetadata);
        claims.Remove(CommunityClaims.EduPersonAssurance);
        claims.Add(CommunityClaims.EduPersonAssurance, computed);
    }

    /// <param name="released">The issuer's RAF values (already limited to <c>https://refeds.org/assurance</c>).</param>
    /// <param name="sirtfiInMetadata">The issuer's federation metadata asserts Sirtfi.</param>
    public static IReadOnlyList<string> Compute(IReadOnlyList<string> released, AssuranceIssuerOptions? issuer, string? contextClass,
        bool sirtfiInMetadata = false)
    {
        var trusted = issuer?.TrustAssurance == true;
        var values = new List<string>();
        if (trusted && (issuer!.Sirtfi || sirtfiInMetadata))
        {
            values.Add(RefedsAssurance.Conformance);
        }

        values.Add(RefedsAssurance.IdUnique);
        values.Add(RefedsAssurance.IapLow);
        if (trusted)
        {
            values.AddRange(released.Where(value => value != RefedsAssurance.Conformance && !RefedsAssurance.Profiles.Contains(value)));
        }

        bool Holds(string value) => values.Contains(value, StringComparer.Ordinal);
        if (Holds(RefedsAssurance.Conformance) && Holds(RefedsAssurance.IapMedium) && Holds(RefedsAssurance.AtpEpa1m))
        {
            values.Add(RefedsAssurance.Cappuccino);
            if (Holds(RefedsAssurance.IapHigh) && contextClass == RefedsAssurance.MfaProfile)
            {
                values.Add(RefedsAssurance.Espresso);
            }
        }

        return [.. values.Distinct(StringComparer.Ordinal)];
    }
}
