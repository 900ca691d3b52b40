using AaiProxy.Identity;
using AaiProxy.Upstream.Oidc;

namespace AaiProxy.Upstream.Tests.Oidc;

/// <summary>The OpenID Connect adapter on logins as the relying-party handler hands them over (validated claims).</summary>
public sealed class OidcIdentityAdapterTests
{
    private const string Issuer = "https://aai.example.org/oidc";
    private static readonly DateTimeOffset Received = new(2026, 12, 1, 9, 0, 0, TimeSpan.Zero);

    private static ValidatedOidcLogin Login(string issuer = Issuer, params (string Claim, string Value)[] claims) =>
        new(issuer, [.. claims.Select(claim => KeyValuePair.Create(claim.Claim, claim.Value))], Received);

    [Fact]
    public void Links_by_sub_within_the_issuer_and_maps_standard_claims()
    {
        var identity = OidcIdentityAdapter.ToUpstreamIdentity(Login(Issuer,
            ("sub", "8c1e5f0a-2b"), ("email", "alice@example.org"), ("name", "Alice Liddell"), ("given_name", "Alice"),
            ("family_name", "Liddell"), ("eduperson_scoped_affiliation", "member@example.org"),
            ("eduperson_scoped_affiliation", "staff@example.org")), OidcClaimMapping.Default);

        Assert.Equal(UpstreamProtocols.OpenIdConnect, identity.Protocol);
        Assert.Equal(Issuer, identity.Issuer);
        Assert.Equal("8c1e5f0a-2b", identity.Subject);
        Assert.Equal(InternalAttributes.OidcSubject, identity.SubjectSource);
        Assert.Equal("8c1e5f0a-2b", identity.FirstValue(InternalAttributes.OidcSubject));
        Assert.Equal("alice@example.org", identity.FirstValue(InternalAttributes.Email));
        Assert.Equal("Alice Liddell", identity.FirstValue(InternalAttributes.Name));
        Assert.Equal("Alice", identity.FirstValue(InternalAttributes.GivenName));
        Assert.Equal("Liddell", identity.FirstValue(InternalAttributes.FamilyName));
        Assert.Equal(["member@example.org", "staff@example.org"], identity.Values(InternalAttributes.EduPersonScopedAffiliation));
    }

    [Fact]
    public void Ignores_claims_it_does_not_map_and_never_links_by_an_identifier_claim()
    {
        var identity = OidcIdentityAdapter.ToUpstreamIdentity(Login(Issuer,
            ("sub", "s-1"), ("subject_id", "alice@example.org"), ("eduperson_unique_id", "u1@example.org"), ("nonce", "n-1"),
            ("aud", "aaiproxy"), ("phone_number", "+41 00")), OidcClaimMapping.Default);

        Assert.Equal("s-1", identity.Subject);
        Assert.Equal([InternalAttributes.OidcSubject], identity.Attributes.Keys);
    }

    [Fact]
    public void Takes_acr_and_auth_time_as_the_authentication()
    {
        var identity = OidcIdentityAdapter.ToUpstreamIdentity(Login(Issuer,
            ("sub", "s-1"), ("acr", "https://refeds.org/profile/mfa"), ("auth_time", "1795942800"), ("iat", "1795942900")), OidcClaimMapping.Default);

        Assert.Equal(new UpstreamAuthentication(DateTimeOffset.FromUnixTimeSeconds(1795942800), "https://refeds.org/profile/mfa"),
            identity.Authentication);
    }

    [Fact]
    public void Uses_iat_then_the_arrival_time_when_auth_time_is_absent()
    {
        var withIat = OidcIdentityAdapter.ToUpstreamIdentity(Login(Issuer, ("sub", "s-1"), ("iat", "1795942900")), OidcClaimMapping.Default);
        var withNeither = OidcIdentityAdapter.ToUpstreamIdentity(Login(Issuer, ("sub", "s-1"), ("auth_time", "not-a-number")), OidcClaimMapping.Default);

        Assert.Equal(new UpstreamAuthentication(DateTimeOffset.FromUnixTimeSeconds(1795942900), null), withIat.Authentication);
        Assert.Equal(new UpstreamAuthentication(Received, null), withNeither.Authentication);
    }

    [Theory]
    [InlineData("")]
    [InlineData(null)]
    public void Refuses_a_login_without_sub(string? subject)
    {
        var claims = subject is null ? [("email", "a@example.org")] : new[] { ("sub", subject), ("email", "a@example.org") };

        var refused = Assert.Throws<UpstreamIdentityException>(() =>
            OidcIdentityAdapter.ToUpstreamIdentity(Login(Issuer, claims), OidcClaimMapping.Default));

        Assert.Equal(UpstreamRefusal.SubjectIdentifierMissing, refused.Refusal);
    }

    [Fact]
    public void Same_sub_from_two_issuers_is_two_identities()
    {
        var first = OidcIdentityAdapter.ToUpstreamIdentity(Login("https://one.example.org", ("sub", "1234")), OidcClaimMapping.Default);
        var second = OidcIdentityAdapter.ToUpstreamIdentity(Login("https://two.example.org", ("sub", "1234")), OidcClaimMapping.Default);

        Assert.Equal(first.Subject, second.Subject);
        Assert.NotEqual((first.Issuer, first.SubjectSource, first.Subject), (second.Issuer, second.SubjectSource, second.Subject));
    }

    [Theory]
    [InlineData("https://orcid.org", "0000-0002-1825-0097", "https://orcid.org/0000-0002-1825-0097")]
    [InlineData("https://sandbox.orcid.org/", "0000-0001-5109-370X", "https://sandbox.orcid.org/0000-0001-5109-370X")]
    public void Takes_the_orcid_id_from_orcids_sub(string issuer, string subject, string orcid)
    {
        var identity = OidcIdentityAdapter.ToUpstreamIdentity(Login(issuer, ("sub", subject)), OidcClaimMapping.Default);

        Assert.Equal(subject, identity.Subject);
        Assert.Equal(orcid, identity.FirstValue(InternalAttributes.Orcid));
    }

    [Theory]
    [InlineData("https://aai.example.org", "0000-0002-1825-0097")]
    [InlineData("https://orcid.org", "not-an-orcid-id")]
    [InlineData("https://orcid.org.example.net", "0000-0002-1825-0097")]
    public void Claims_no_orcid_id_for_other_issuers_or_malformed_subs(string issuer, string subject)
    {
        var identity = OidcIdentityAdapter.ToUpstreamIdentity(Login(issuer, ("sub", subject)), OidcClaimMapping.Default);

        Assert.Empty(identity.Values(InternalAttributes.Orcid));
    }

    [Fact]
    public void An_override_maps_a_provider_claim_and_wins_over_the_default_claim()
    {
        var mapping = OidcClaimMapping.WithOverrides(new Dictionary<string, string>
        {
            ["mail"] = InternalAttributes.Email,
            ["entitlements"] = InternalAttributes.EduPersonEntitlement,
        });

        var identity = OidcIdentityAdapter.ToUpstreamIdentity(Login(Issuer,
            ("sub", "s-1"), ("mail", "preferred@example.org"), ("email", "other@example.org"),
            ("entitlements", "urn:mace:example.org:a"), ("entitlements", "urn:mace:example.org:b"), ("name", "Alice")), mapping);

        Assert.Equal(["preferred@example.org"], identity.Values(InternalAttributes.Email));
        Assert.Equal(["urn:mace:example.org:a", "urn:mace:example.org:b"], identity.Values(InternalAttributes.EduPersonEntitlement));
        Assert.Equal("Alice", identity.FirstValue(InternalAttributes.Name));
    }

    [Fact]
    public void An_override_falls_back_to_the_default_claim_when_the_provider_sends_none()
    {
        var mapping = OidcClaimMapping.WithOverrides(new Dictionary<string, string> { ["mail"] = InternalAttributes.Email });

        var identity = OidcIdentityAdapter.ToUpstreamIdentity(Login(Issuer, ("sub", "s-1"), ("email", "a@example.org")), mapping);

        Assert.Equal("a@example.org", identity.FirstValue(InternalAttributes.Email));
    }

    [Theory]
    [InlineData(InternalAttributes.SubjectId)]
    [InlineData(InternalAttributes.OidcSubject)]
    [InlineData("no_such_attribute")]
    public void Refuses_an_override_to_an_identifier_or_unknown_attribute(string target)
    {
        var refused = Assert.Throws<ArgumentException>(() =>
            OidcClaimMapping.WithOverrides(new Dictionary<string, string> { ["upn"] = target }));

        Assert.Contains("'upn'", refused.Message, StringComparison.Ordinal);
    }
}
