using AaiProxy.Identity;
using AaiProxy.Server.Oidc;

namespace AaiProxy.Server.Tests;

/// <summary>Upstream entitlements and assurance are never released as the proxy's own.</summary>
public sealed class UpstreamAttributeFilterTests
{
    private const string TrustedIdp = "https://idp.trusted.example.org/idp";
    private const string OtherIdp = "https://idp.other.example.org/idp";

    private static readonly UpstreamAttributeFilter Filter = new(new UpstreamAttributePolicy(
        ["urn:geant:aaiproxy.example.org"],
        new Dictionary<string, IReadOnlyList<string>> { [TrustedIdp] = ["urn:mace:dir:entitlement:", "urn:mace:trusted.example.org:"] }));

    [Theory]
    [InlineData("urn:geant:aaiproxy.example.org:group:admins")]
    [InlineData("URN:GEANT:AAIPROXY.EXAMPLE.ORG:group:admins#aai.example.org")]
    [InlineData("urn:geant:aaiproxy.example.org")]
    public void Drops_entitlements_in_the_proxys_own_namespace_even_from_an_allow_listed_issuer(string value)
    {
        var result = Filter.Filter(Upstream(TrustedIdp, (InternalAttributes.EduPersonEntitlement, value)));

        Assert.Empty(result.Kept.Values(InternalAttributes.EduPersonEntitlement));
        Assert.Equal([new DroppedUpstreamValue(InternalAttributes.EduPersonEntitlement, value, DroppedValueReason.ProxyEntitlementNamespace)], result.Dropped);
    }

    [Fact]
    public void Keeps_entitlements_under_the_issuers_allowed_prefixes_only()
    {
        var result = Filter.Filter(Upstream(TrustedIdp,
            (InternalAttributes.EduPersonEntitlement, "urn:mace:dir:entitlement:common-lib-terms"),
            (InternalAttributes.EduPersonEntitlement, "urn:mace:elsewhere.example.org:group:x"),
            (InternalAttributes.EduPersonEntitlement, "urn:geant:aaiproxy.example.orgx:group:y")));

        Assert.Equal(["urn:mace:dir:entitlement:common-lib-terms"], result.Kept.Values(InternalAttributes.EduPersonEntitlement));
        Assert.All(result.Dropped, dropped => Assert.Equal(DroppedValueReason.EntitlementNotAllowedForIssuer, dropped.Reason));
        Assert.Equal(2, result.Dropped.Count);
    }

    [Fact]
    public void Drops_every_entitlement_of_an_issuer_without_an_allow_list()
    {
        var result = Filter.Filter(Upstream(OtherIdp, (InternalAttributes.EduPersonEntitlement, "urn:mace:dir:entitlement:common-lib-terms")));

        Assert.False(result.Kept.Attributes.ContainsKey(InternalAttributes.EduPersonEntitlement));
        Assert.Equal(DroppedValueReason.EntitlementNotAllowedForIssuer, Assert.Single(result.Dropped).Reason);
    }

    [Fact]
    public void Keeps_only_refeds_assurance_values()
    {
        var result = Filter.Filter(Upstream(OtherIdp,
            (InternalAttributes.EduPersonAssurance, "https://refeds.org/assurance"),
            (InternalAttributes.EduPersonAssurance, "https://refeds.org/assurance/IAP/medium"),
            (InternalAttributes.EduPersonAssurance, "https://refeds.org/assurance-fake/IAP/high"),
            (InternalAttributes.EduPersonAssurance, "https://aai.example.org/assurance/IAP/high")));

        Assert.Equal(["https://refeds.org/assurance", "https://refeds.org/assurance/IAP/medium"], result.Kept.Values(InternalAttributes.EduPersonAssurance));
        Assert.Equal(["https://refeds.org/assurance-fake/IAP/high", "https://aai.example.org/assurance/IAP/high"],
            result.Dropped.Where(dropped => dropped.Reason == DroppedValueReason.AssuranceNotRefeds).Select(dropped => dropped.Value));
    }

    [Fact]
    public void Leaves_other_attributes_and_the_subject_untouched()
    {
        var upstream = Upstream(OtherIdp, (InternalAttributes.GivenName, "Alice"), (InternalAttributes.EduPersonScopedAffiliation, "member@x.example.org"));

        var result = Filter.Filter(upstream);

        Assert.Empty(result.Dropped);
        Assert.Equal(upstream.Subject, result.Kept.Subject);
        Assert.Equal(["Alice"], result.Kept.Values(InternalAttributes.GivenName));
        Assert.Equal(["member@x.example.org"], result.Kept.Values(InternalAttributes.EduPersonScopedAffiliation));
    }

    [Fact]
    public async Task Claims_computation_never_releases_a_dropped_value()
    {
        var computer = new CommunityClaimsComputer([new UpstreamAttributeEnricher(Filter)]);
        var identity = new ResolvedIdentity(new CommunityAccount("id", DateTimeOffset.UtcNow, AccountStatus.Active, "alice"), "link",
            Upstream(TrustedIdp, (InternalAttributes.EduPersonEntitlement, "urn:geant:aaiproxy.example.org:group:admins"),
                (InternalAttributes.EduPersonAssurance, "https://aai.example.org/assurance/IAP/high")));

        var claims = await computer.ComputeAsync(identity, new ClaimsRecipient("demo-portal", ["openid"]), CancellationToken.None);

        Assert.Empty(claims.Values(CommunityClaims.EduPersonEntitlement));
        Assert.Empty(claims.Values(CommunityClaims.EduPersonAssurance));
    }

    [Fact]
    public void Options_validation_refuses_what_cannot_work_and_says_what_to_set()
    {
        var options = new ClaimsOptions
        {
            EntitlementNamespaces = ["not a urn"],
            UpstreamEntitlements =
            [
                new UpstreamEntitlementOptions { Issuer = "", AllowedPrefixes = [] },
                new UpstreamEntitlementOptions { Issuer = TrustedIdp, AllowedPrefixes = ["urn:mace:x:"] },
                new UpstreamEntitlementOptions { Issuer = TrustedIdp, AllowedPrefixes = ["urn:mace:y:"] },
            ],
        };

        var failures = new ClaimsOptionsValidator(Microsoft.Extensions.Options.Options.Create(new Configuration.ProxyOptions())).Validate(null, options).Failures!.ToList();

        Assert.Contains(failures, failure => failure.Contains("EntitlementNamespaces has 'not a urn'"));
        Assert.Contains(failures, failure => failure.Contains("UpstreamEntitlements:0:Issuer is required"));
        Assert.Contains(failures, failure => failure.Contains("UpstreamEntitlements:0:AllowedPrefixes"));
        Assert.Contains(failures, failure => failure.Contains($"lists issuer '{TrustedIdp}' more than once"));
    }

    [Fact]
    public void Options_validation_refuses_an_allowed_prefix_inside_the_proxys_namespace()
    {
        var options = new ClaimsOptions
        {
            UpstreamEntitlements = [new UpstreamEntitlementOptions { Issuer = TrustedIdp, AllowedPrefixes = [ClaimsOptions.DefaultEntitlementNamespace + ":group:"] }],
        };

        var result = new ClaimsOptionsValidator(Microsoft.Extensions.Options.Options.Create(new Configuration.ProxyOptions())).Validate(null, options);

        Assert.Contains("inside the proxy's own entitlement namespace", Assert.Single(result.Failures!));
    }

    private static UpstreamIdentity Upstream(string issuer, params (string Attribute, string Value)[] attributes) => new(
        UpstreamProtocols.Saml2, issuer, "someone@example.org", InternalAttributes.SubjectId,
        attributes.GroupBy(attribute => attribute.Attribute)
            .ToDictionary(group => group.Key, group => (IReadOnlyList<string>)[.. group.Select(attribute => attribute.Value)]),
        new UpstreamAuthentication(DateTimeOffset.UtcNow, null));
}
