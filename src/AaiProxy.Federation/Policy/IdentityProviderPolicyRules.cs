using AaiProxy.Federation.Model;
using AaiProxy.Federation.Sources;
using AaiProxy.Saml.Validation;

namespace AaiProxy.Federation.Policy;

/// <summary>
/// One rule: the federation IdPs it applies to (<see cref="Match"/>, the same conditions as a source's filter) and
/// the policy settings it decides for them. An unset setting (null) is left to the rules before it or the default.
/// </summary>
public sealed record IdentityProviderPolicyRule(EntityFilter Match)
{
    public bool? AllowUnsolicitedResponses { get; init; }
    public bool? AllowSha1 { get; init; }
    public bool? RequireEncryptedAssertions { get; init; }
    public bool? AllowTripleDes { get; init; }
}

/// <summary>
/// The per-IdP SAML policy of a federation entity, decided from its metadata (entity categories, registration
/// authority, assurance certifications, Sirtfi) or its entity ID. Every rule that matches applies, in order:
/// each setting is the one the last matching rule that sets it says, else the default's. Pure: the same entity and
/// rules always give the same policy.
/// </summary>
public sealed class IdentityProviderPolicyRules(IReadOnlyList<IdentityProviderPolicyRule> rules)
{
    public static IdentityProviderPolicyRules None { get; } = new([]);

    public IReadOnlyList<IdentityProviderPolicyRule> Rules { get; } = rules;

    public IdentityProviderPolicy PolicyFor(FederationEntity entity, IdentityProviderPolicy defaults)
    {
        ArgumentNullException.ThrowIfNull(entity);
        ArgumentNullException.ThrowIfNull(defaults);
        var policy = defaults;
        foreach (var rule in Rules)
        {
            if (rule.Match.Accepts(entity))
            {
                policy = new IdentityProviderPolicy(
                    rule.AllowUnsolicitedResponses ?? policy.AllowUnsolicitedResponses,
                    rule.AllowSha1 ?? policy.AllowSha1,
                    rule.RequireEncryptedAssertions ?? policy.RequireEncryptedAssertions,
                    rule.AllowTripleDes ?? policy.AllowTripleDes);
            }
        }

        return policy;
    }
}
