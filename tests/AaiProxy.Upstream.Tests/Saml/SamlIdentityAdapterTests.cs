using AaiProxy.Identity;
using AaiProxy.Saml.Attributes;
using AaiProxy.Saml.Validation;
using AaiProxy.Upstream;
using AaiProxy.Upstream.Saml;

namespace AaiProxy.Upstream.Tests.Saml;

/// <summary>The SAML adapter on validated logins as the SAML library returns them (it never sees XML).</summary>
public sealed class SamlIdentityAdapterTests
{
    private const string Idp = "https://idp.example.org/idp/shibboleth";
    private static readonly DateTimeOffset Instant = new(2026, 12, 1, 9, 0, 0, TimeSpan.Zero);

    private static SamlLoginResult Login(IEnumerable<(SamlAttribute Attribute, string Value)> attributes, string nameIdFormat = SamlNameIdFormats.Persistent,
        IReadOnlyList<DroppedAttributeValue>? dropped = null) =>
        new(Idp, new SamlAuthentication(Instant, "https://refeds.org/profile/mfa"),
            [.. attributes.Select(pair => new SamlReleasedAttribute(pair.Attribute.Name, [pair.Value]))],
            new SamlSessionReference(Idp, "p-7f3a9c21e0", nameIdFormat, Idp, "https://sp.example.org", "_session-42"))
        {
            DroppedValues = dropped ?? [],
        };

    [Fact]
    public void Maps_saml_attributes_to_internal_names_and_keeps_the_authentication()
    {
        var identity = SamlIdentityAdapter.ToUpstreamIdentity(Login(
        [
            (SamlAttributeMap.SubjectId, "k7q2m9x4@example.org"), (SamlAttributeMap.Mail, "alice@example.org"),
            (SamlAttributeMap.DisplayName, "Alice Liddell"), (SamlAttributeMap.Surname, "Liddell"),
            (SamlAttributeMap.EduPersonScopedAffiliation, "member@example.org"),
        ]));

        Assert.Equal(UpstreamProtocols.Saml2, identity.Protocol);
        Assert.Equal(Idp, identity.Issuer);
        Assert.Equal("alice@example.org", identity.FirstValue(InternalAttributes.Email));
        Assert.Equal("Alice Liddell", identity.FirstValue(InternalAttributes.Name));
        Assert.Equal("Liddell", identity.FirstValue(InternalAttributes.FamilyName));
        Assert.Equal(["member@example.org"], identity.Values(InternalAttributes.EduPersonScopedAffiliation));
        Assert.Equal("p-7f3a9c21e0", identity.FirstValue(InternalAttributes.PersistentNameId));
        Assert.Equal(new UpstreamAuthentication(Instant, "https://refeds.org/profile/mfa"), identity.Authentication);
    }

    [Fact]
    public void Ignores_attributes_the_proxy_does_not_map()
    {
        var login = Login([(SamlAttributeMap.SubjectId, "k7q2m9x4@example.org")]) with
        {
            Attributes = [new SamlReleasedAttribute(SamlAttributeMap.SubjectId.Name, ["k7q2m9x4@example.org"]),
                new SamlReleasedAttribute("urn:oid:1.2.3.4.5", ["something"])],
        };

        var identity = SamlIdentityAdapter.ToUpstreamIdentity(login);

        Assert.Equal(new[] { InternalAttributes.SubjectId, InternalAttributes.PersistentNameId }.Order(), identity.Attributes.Keys.Order());
    }

    public static TheoryData<string[], string, string> SubjectPreferenceCases => new()
    {
        { [SamlAttributeMap.PairwiseId.Name, SamlAttributeMap.EduPersonUniqueId.Name, SamlAttributeMap.EduPersonPrincipalName.Name], InternalAttributes.PairwiseId, "pw@example.org" },
        { [SamlAttributeMap.EduPersonUniqueId.Name, SamlAttributeMap.EduPersonPrincipalName.Name], InternalAttributes.EduPersonUniqueId, "uid@example.org" },
        { [SamlAttributeMap.EduPersonPrincipalName.Name], InternalAttributes.PersistentNameId, "p-7f3a9c21e0" },
    };

    [Theory]
    [MemberData(nameof(SubjectPreferenceCases))]
    public void Chooses_the_subject_by_preference(string[] names, string expectedSource, string expectedSubject)
    {
        var values = new Dictionary<string, string>
        {
            [SamlAttributeMap.PairwiseId.Name] = "pw@example.org",
            [SamlAttributeMap.EduPersonUniqueId.Name] = "uid@example.org",
            [SamlAttributeMap.EduPersonPrincipalName.Name] = "eppn@example.org",
        };
        var login = Login([]) with { Attributes = [.. names.Select(name => new SamlReleasedAttribute(name, [values[name]]))] };

        var identity = SamlIdentityAdapter.ToUpstreamIdentity(login);

        Assert.Equal(expectedSource, identity.SubjectSource);
        Assert.Equal(expectedSubject, identity.Subject);
    }

    [Fact]
    public void Links_by_subject_id_case_insensitively_and_keeps_the_attribute_as_sent()
    {
        var identity = SamlIdentityAdapter.ToUpstreamIdentity(Login([(SamlAttributeMap.SubjectId, "Alice.Liddell@Example.ORG")]));

        Assert.Equal("alice.liddell@example.org", identity.Subject);
        Assert.Equal("Alice.Liddell@Example.ORG", identity.FirstValue(InternalAttributes.SubjectId));
    }

    [Fact]
    public void Falls_back_to_principal_name_with_a_transient_name_id()
    {
        var identity = SamlIdentityAdapter.ToUpstreamIdentity(Login([(SamlAttributeMap.EduPersonPrincipalName, "eppn@example.org")],
            SamlNameIdFormats.Transient));

        Assert.Equal(InternalAttributes.EduPersonPrincipalName, identity.SubjectSource);
        Assert.Equal("eppn@example.org", identity.Subject);
    }

    [Fact]
    public void Refuses_a_login_without_any_subject_identifier()
    {
        var refused = Assert.Throws<UpstreamIdentityException>(() =>
            SamlIdentityAdapter.ToUpstreamIdentity(Login([(SamlAttributeMap.Mail, "alice@example.org")], SamlNameIdFormats.Transient)));

        Assert.Equal(UpstreamRefusal.SubjectIdentifierMissing, refused.Refusal);
    }

    [Fact]
    public void Refuses_a_login_whose_subject_id_was_out_of_scope_instead_of_linking_by_a_weaker_identifier()
    {
        // Before: the out-of-scope subject-id was dropped and the person was linked by the persistent NameID,
        // landing silently in another (new) account.
        var login = Login([(SamlAttributeMap.Mail, "alice@example.org")], dropped:
            [new DroppedAttributeValue(SamlAttributeMap.SubjectId.Name, "alice@evil.example", "scope 'evil.example' is not among the IdP's scopes")]);

        var refused = Assert.Throws<UpstreamIdentityException>(() => SamlIdentityAdapter.ToUpstreamIdentity(login));

        Assert.Equal(UpstreamRefusal.SubjectIdentifierOutOfScope, refused.Refusal);
        Assert.Contains(SamlAttributeMap.SubjectId.Name, refused.Message);
    }

    [Fact]
    public void Accepts_a_login_whose_only_dropped_value_is_not_an_identifier()
    {
        var login = Login([(SamlAttributeMap.SubjectId, "k7q2m9x4@example.org")], dropped:
            [new DroppedAttributeValue(SamlAttributeMap.EduPersonScopedAffiliation.Name, "member@evil.example", "out of scope")]);

        var identity = SamlIdentityAdapter.ToUpstreamIdentity(login);

        Assert.Equal("k7q2m9x4@example.org", identity.Subject);
    }

    [Fact]
    public void Every_mapped_saml_attribute_has_an_internal_name_and_back()
    {
        foreach (var attribute in SamlAttributeMap.All)
        {
            var internalName = SamlAttributeMapping.InternalName(attribute.Name);
            Assert.NotNull(internalName);
            Assert.Equal(attribute, SamlAttributeMapping.ForInternalName(internalName!));
        }
    }
}
