using AaiProxy.Federation.Generation;
using AaiProxy.Federation.Model;
using AaiProxy.Federation.Policy;
using AaiProxy.Federation.Sources;
using AaiProxy.Federation.Tests.Generation;
using AaiProxy.Saml.Validation;

namespace AaiProxy.Federation.Tests.Policy;

/// <summary>Per-IdP policy from rules over federation metadata: every matching rule applies in order, a later rule's
/// setting overriding an earlier one's, unset settings left alone.</summary>
public sealed class IdentityProviderPolicyRulesTests
{
    private static readonly IReadOnlyList<FederationEntity> IdPs = Fixtures.Load(Fixtures.Baseline).IdentityProviders;

    // IdP 0: R&S, no Sirtfi; IdP 1: Sirtfi, not R&S; IdP 2: neither.
    private static FederationEntity IdP(int index) => IdPs.Single(e => e.EntityId == AggregateGenerator.EntityId(index));

    private static HashSet<string> Set(params string[] values) => new(values, StringComparer.Ordinal);

    private static readonly IdentityProviderPolicyRule EncryptResearchAndScholarship =
        new(new EntityFilter { IncludeEntityCategories = Set(FederationUris.ResearchAndScholarship) }) { RequireEncryptedAssertions = true };

    [Fact]
    public void A_matching_rule_sets_what_it_names_and_leaves_the_rest_to_the_default()
    {
        var rules = new IdentityProviderPolicyRules([EncryptResearchAndScholarship]);

        var policy = rules.PolicyFor(IdP(0), new IdentityProviderPolicy(AllowUnsolicitedResponses: true));

        Assert.Equal(new IdentityProviderPolicy(AllowUnsolicitedResponses: true, RequireEncryptedAssertions: true), policy);
    }

    [Fact]
    public void An_idp_no_rule_matches_keeps_the_default()
    {
        var rules = new IdentityProviderPolicyRules([EncryptResearchAndScholarship]);

        Assert.Equal(new IdentityProviderPolicy(), rules.PolicyFor(IdP(2), new IdentityProviderPolicy()));
    }

    [Fact]
    public void Rules_match_on_sirtfi_and_on_entity_id()
    {
        var rules = new IdentityProviderPolicyRules(
        [
            new(new EntityFilter { RequireSirtfi = true }) { AllowUnsolicitedResponses = true },
            new(new EntityFilter { IncludeEntityIds = Set(AggregateGenerator.EntityId(2)) }) { AllowSha1 = true },
        ]);

        Assert.Equal(new IdentityProviderPolicy(AllowUnsolicitedResponses: true), rules.PolicyFor(IdP(1), new IdentityProviderPolicy()));
        Assert.Equal(new IdentityProviderPolicy(AllowSha1: true), rules.PolicyFor(IdP(2), new IdentityProviderPolicy()));
        Assert.Equal(new IdentityProviderPolicy(), rules.PolicyFor(IdP(0), new IdentityProviderPolicy()));
    }

    [Fact]
    public void A_later_matching_rule_overrides_an_earlier_one_for_the_settings_it_names()
    {
        var rules = new IdentityProviderPolicyRules(
        [
            new(EntityFilter.All) { RequireEncryptedAssertions = true, AllowSha1 = true },
            new(new EntityFilter { IncludeEntityIds = Set(AggregateGenerator.EntityId(0)) }) { RequireEncryptedAssertions = false },
        ]);

        Assert.Equal(new IdentityProviderPolicy(AllowSha1: true), rules.PolicyFor(IdP(0), new IdentityProviderPolicy()));
        Assert.Equal(new IdentityProviderPolicy(AllowSha1: true, RequireEncryptedAssertions: true), rules.PolicyFor(IdP(1), new IdentityProviderPolicy()));
    }
}
