using AaiProxy.Identity;

namespace AaiProxy.Server.Tests.Accounts;

/// <summary>The pure account rules: <c>eduperson_assurance</c>, pairwise subjects, e-mail addresses an IdP vouches for.</summary>
public sealed class AssuranceAndSubjectTests
{
    private static readonly AssuranceIssuerOptions TrustedSirtfi = new() { Issuer = "https://idp.example.org", TrustAssurance = true, Sirtfi = true };

    [Fact]
    public void An_untrusted_issuer_gets_unique_id_and_low_identity_proofing_only()
    {
        var values = AssuranceEnricher.Compute([RefedsAssurance.Conformance, RefedsAssurance.IapHigh, RefedsAssurance.Cappuccino], issuer: null, RefedsAssurance.MfaProfile);

        Assert.Equal([RefedsAssurance.IdUnique, RefedsAssurance.IapLow], values);
    }

    [Fact]
    public void A_trusted_sirtfi_issuer_with_medium_proofing_and_epa_1m_gets_cappuccino_but_not_espresso_without_iap_high()
    {
        var values = AssuranceEnricher.Compute([RefedsAssurance.IapMedium, RefedsAssurance.AtpEpa1m], TrustedSirtfi, RefedsAssurance.MfaProfile);

        Assert.Equal([RefedsAssurance.Conformance, RefedsAssurance.IdUnique, RefedsAssurance.IapLow, RefedsAssurance.IapMedium,
            RefedsAssurance.AtpEpa1m, RefedsAssurance.Cappuccino], values);
    }

    [Theory]
    [InlineData("https://refeds.org/profile/mfa", true)]
    [InlineData("https://refeds.org/profile/sfa", false)]
    [InlineData(null, false)]
    public void Espresso_needs_iap_high_and_an_mfa_login(string? contextClass, bool espresso)
    {
        var values = AssuranceEnricher.Compute([RefedsAssurance.IapMedium, RefedsAssurance.IapHigh, RefedsAssurance.AtpEpa1m], TrustedSirtfi, contextClass);

        Assert.Contains(RefedsAssurance.Cappuccino, values);
        Assert.Equal(espresso, values.Contains(RefedsAssurance.Espresso));
    }

    [Fact]
    public void Without_sirtfi_there_is_no_conformance_value_and_so_no_profile()
    {
        var values = AssuranceEnricher.Compute([RefedsAssurance.Conformance, RefedsAssurance.IapMedium, RefedsAssurance.AtpEpa1m, RefedsAssurance.Cappuccino],
            new AssuranceIssuerOptions { Issuer = "https://idp.example.org", TrustAssurance = true }, null);

        Assert.Equal([RefedsAssurance.IdUnique, RefedsAssurance.IapLow, RefedsAssurance.IapMedium, RefedsAssurance.AtpEpa1m], values);
    }

    [Fact]
    public void Pairwise_subjects_are_equal_within_a_sector_different_across_sectors_and_never_the_account_id()
    {
        var pairwise = new PairwiseSubjects(new byte[32], new Dictionary<string, string>
        {
            ["portal-a"] = "https://sector-one.example.org", ["portal-b"] = "https://sector-one.example.org", ["other"] = "https://sector-two.example.org",
        });

        Assert.Equal(pairwise.SubjectFor("account-1", "portal-a"), pairwise.SubjectFor("account-1", "portal-b"));
        Assert.NotEqual(pairwise.SubjectFor("account-1", "portal-a"), pairwise.SubjectFor("account-1", "other"));
        Assert.NotEqual(pairwise.SubjectFor("account-1", "portal-a"), pairwise.SubjectFor("account-2", "portal-a"));
        Assert.NotEqual("account-1", pairwise.SubjectFor("account-1", "portal-a"));
        Assert.Equal("account-1", pairwise.SubjectFor("account-1", "public-client"));
    }

    [Fact]
    public async Task A_pairwise_client_gets_its_sector_sub_and_no_voperson_id()
    {
        var pairwise = new PairwiseSubjects(new byte[32], new Dictionary<string, string> { ["portal"] = "https://sector.example.org" });
        var identity = new ResolvedIdentity(new CommunityAccount("account-1", DateTimeOffset.UnixEpoch, AccountStatus.Active, "alice"), "link",
            new UpstreamIdentity(UpstreamProtocols.Saml2, "https://idp.example.org", "alice", InternalAttributes.SubjectId,
                new Dictionary<string, IReadOnlyList<string>>(), new UpstreamAuthentication(DateTimeOffset.UnixEpoch, null)));
        var claims = new CommunityClaimSet();

        await new CommunityIdentifierEnricher(pairwise).EnrichAsync(identity, new ClaimsRecipient("portal", ["openid", "voperson_id"]), claims, CancellationToken.None);

        Assert.Equal([pairwise.ForSector("account-1", "https://sector.example.org")], claims.Values(CommunityClaims.Subject));
        Assert.Empty(claims.Values(CommunityClaims.VoPersonId));
    }

    [Theory]
    [InlineData("alice@university.example.org", true)]
    [InlineData("alice@physics.university.example.org", true)]
    [InlineData("alice@evil-university.example.org", false)]
    [InlineData("alice@university.example.org.evil.example", false)]
    [InlineData("alice@gmail.example.com", false)]
    [InlineData("not an address@university.example.org", false)]
    public void An_identity_provider_vouches_only_for_addresses_within_its_scopes(string email, bool vouched)
    {
        Assert.Equal(vouched, EmailAddresses.VouchedFor([email], ["university.example.org"]).Count == 1);
    }
}
