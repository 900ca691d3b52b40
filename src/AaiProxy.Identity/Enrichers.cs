namespace AaiProxy.Identity;

/// <summary>
/// <c>sub</c> and <c>voperson_id</c> are the community account id, never an upstream identifier
/// (AARC-G026: persistent, non-reassigned, opaque); a client configured for pairwise subjects gets its
/// sector's pairwise <c>sub</c> and no <c>voperson_id</c> (<see cref="PairwiseSubjects"/>).
/// <c>preferred_username</c> is the account's, chosen once at its creation.
/// </summary>
public sealed class CommunityIdentifierEnricher(PairwiseSubjects pairwise) : IClaimsEnricher
{
    public int Order => ClaimsEnricherOrder.CommunityIdentifier;

    public ValueTask EnrichAsync(ResolvedIdentity identity, ClaimsRecipient recipient, CommunityClaimSet claims, CancellationToken cancellationToken)
    {
        claims.Set(CommunityClaims.Subject, pairwise.SubjectFor(identity.Account.Id, recipient.ClientId));
        if (!pairwise.IsPairwise(recipient.ClientId))
        {
            claims.Set(CommunityClaims.VoPersonId, identity.Account.Id);
        }

        claims.Set(CommunityClaims.PreferredUsername, identity.Account.PreferredUsername);
        return ValueTask.CompletedTask;
    }
}

/// <summary>
/// Copies the validated upstream attributes that have a direct OIDC counterpart, after
/// <see cref="UpstreamAttributeFilter"/>: a dropped entitlement or assurance value never reaches a claim,
/// even when stored attributes predate the filter.
/// </summary>
public sealed class UpstreamAttributeEnricher(UpstreamAttributeFilter filter) : IClaimsEnricher
{
    private static readonly (string Attribute, string Claim)[] DirectMappings =
    [
        (InternalAttributes.Name, CommunityClaims.Name),
        (InternalAttributes.GivenName, CommunityClaims.GivenName),
        (InternalAttributes.FamilyName, CommunityClaims.FamilyName),
        (InternalAttributes.EduPersonEntitlement, CommunityClaims.EduPersonEntitlement),
        (InternalAttributes.EduPersonScopedAffiliation, CommunityClaims.EduPersonScopedAffiliation),
        (InternalAttributes.EduPersonAssurance, CommunityClaims.EduPersonAssurance),
        (InternalAttributes.SchacHomeOrganization, CommunityClaims.SchacHomeOrganization),
        (InternalAttributes.VoPersonExternalAffiliation, CommunityClaims.VoPersonExternalAffiliation),
    ];

    public int Order => ClaimsEnricherOrder.UpstreamAttributes;

    public ValueTask EnrichAsync(ResolvedIdentity identity, ClaimsRecipient recipient, CommunityClaimSet claims, CancellationToken cancellationToken)
    {
        var upstream = filter.Filter(identity.Upstream).Kept;
        foreach (var (attribute, claim) in DirectMappings)
        {
            claims.Add(claim, upstream.Values(attribute));
        }

        if (claims.Values(CommunityClaims.Name).Count == 0)
        {
            claims.Add(CommunityClaims.Name, AccountNames.DisplayName(upstream) ?? identity.Account.DisplayName);
        }

        // OIDC has one email claim: the first address from upstream, else the account's first verified one.
        // REFEDS OIDCre: email_verified is true only for an address the account has verified (mailed link, or
        // released by an identity provider whose scope covers its domain).
        var email = upstream.FirstValue(InternalAttributes.Email)
                    ?? identity.Account.Emails.FirstOrDefault(known => known.Verified)?.Address;
        if (email is not null)
        {
            claims.Set(CommunityClaims.Email, email);
            claims.Set(CommunityClaims.EmailVerified, identity.Account.IsVerified(email) ? "true" : "false");
        }

        return ValueTask.CompletedTask;
    }
}

/// <summary><c>acr</c> is the upstream authentication context class, as stated by the upstream provider.</summary>
public sealed class AuthenticationContextEnricher : IClaimsEnricher
{
    public int Order => ClaimsEnricherOrder.AuthenticationContext;

    public ValueTask EnrichAsync(ResolvedIdentity identity, ClaimsRecipient recipient, CommunityClaimSet claims, CancellationToken cancellationToken)
    {
        claims.Add(CommunityClaims.AuthenticationContextClass, identity.Upstream.Authentication.ContextClass);
        return ValueTask.CompletedTask;
    }
}

/// <summary>Runs every enricher in order: the one place claims for a person are computed.</summary>
public sealed class CommunityClaimsComputer(IEnumerable<IClaimsEnricher> enrichers)
{
    private readonly IClaimsEnricher[] _enrichers = [.. enrichers.OrderBy(enricher => enricher.Order)];

    public async Task<CommunityClaimSet> ComputeAsync(ResolvedIdentity identity, ClaimsRecipient recipient, CancellationToken cancellationToken)
    {
        var claims = new CommunityClaimSet();
        foreach (var enricher in _enrichers)
        {
            await enricher.EnrichAsync(identity, recipient, claims, cancellationToken);
        }

        return claims;
    }
}
