namespace AaiProxy.Groups.Tests;

public class EntitlementUrnTests
{
    // STANDARDS.md, AARC-G002/G069: urn:mace:egi.eu:group:vo.example.eu:role=member#aai.egi.eu
    [Fact]
    public void Encodes_the_G069_example_with_role_member_and_authority()
    {
        var options = new EntitlementOptions { Namespace = "urn:mace:egi.eu", Authority = "aai.egi.eu" };

        var value = EntitlementUrn.Encode(options, GroupPath.Of("vo.example.eu"), GroupRoles.Member);

        Assert.Equal("urn:mace:egi.eu:group:vo.example.eu:role=member#aai.egi.eu", value);
    }

    // G069 §3: one value per role held, plus role=member for the membership itself.
    [Fact]
    public void Emits_role_member_first_then_one_value_per_other_role()
    {
        var values = EntitlementUrn.ForMembership(Fixtures.Entitlements(), GroupPath.Of("pan", "ess", "20240123"), RoleSet.Of("pi", "data-access"));

        Assert.Equal(
        [
            "urn:geant:pan-aai.eu:group:pan:ess:20240123:role=member#proxy.pan-aai.eu",
            "urn:geant:pan-aai.eu:group:pan:ess:20240123:role=data-access#proxy.pan-aai.eu",
            "urn:geant:pan-aai.eu:group:pan:ess:20240123:role=pi#proxy.pan-aai.eu",
        ], values);
    }

    // G069 deprecates the authority; configuration turns it off.
    [Fact]
    public void Leaves_out_the_authority_when_configured()
    {
        var value = EntitlementUrn.Encode(Fixtures.Entitlements(authority: false), GroupPath.Of("pan", "ill"), GroupRoles.Manager);

        Assert.Equal("urn:geant:pan-aai.eu:group:pan:ill:role=manager", value);
    }

    // STANDARDS.md, G069 normalisation example: urn:nid:example.org:group:Minun%20Ryhm%C3%A4ni
    [Fact]
    public void Escapes_space_and_non_ascii_as_upper_case_utf8_like_the_G069_example()
    {
        var options = new EntitlementOptions { Namespace = "urn:nid:example.org", IncludeAuthority = false };

        var value = EntitlementUrn.Encode(options, GroupPath.Of("Minun Ryhmäni"), GroupRoles.Member);

        Assert.Equal("urn:nid:example.org:group:Minun%20Ryhm%C3%A4ni:role=member", value);
    }

    [Fact]
    public void Normalises_by_lower_casing_the_namespace_and_upper_casing_escapes_only()
    {
        Assert.Equal(
            "urn:nid:example.org:group:Minun%20Ryhm%C3%A4ni",
            EntitlementUrn.Normalize("URN:NID:Example.ORG:group:Minun%20Ryhm%c3%a4ni"));
    }

    [Fact]
    public void Lower_cases_a_configured_namespace_and_authority()
    {
        var options = new EntitlementOptions { Namespace = "urn:GEANT:PaN-AAI.eu", Authority = "Proxy.PaN-AAI.eu" };

        Assert.Equal("urn:geant:pan-aai.eu:group:Team:role=member#proxy.pan-aai.eu",
            EntitlementUrn.Encode(options, GroupPath.Of("Team"), GroupRoles.Member));
    }

    // RFC 8141 §2: '#' and '?' start the f- and r/q-components; ':' separates our segments; '='
    // would make a segment read as role=; a '%' that starts no escape must itself be escaped.
    [Theory]
    [InlineData("Ryhmä", "Ryhm%C3%A4")]
    [InlineData("beam time", "beam%20time")]
    [InlineData("a#b", "a%23b")]
    [InlineData("what?", "what%3F")]
    [InlineData("x:y", "x%3Ay")]
    [InlineData("role=pi", "role%3Dpi")]
    [InlineData("100%", "100%25")]
    [InlineData("50%zz", "50%25zz")]
    [InlineData("kept%2f", "kept%2F")]
    [InlineData("kept%C3%A4", "kept%C3%A4")]
    [InlineData("a/b", "a/b")]
    [InlineData("it's(ok)!$&*+,;@~_.-", "it's(ok)!$&*+,;@~_.-")]
    [InlineData("snow☃", "snow%E2%98%83")]
    [InlineData("emoji😀", "emoji%F0%9F%98%80")]
    public void Escapes_segment_characters_outside_the_RFC_8141_set(string segment, string expected)
    {
        Assert.Equal(expected, EntitlementUrn.EscapeSegment(segment));
    }

    [Fact]
    public void Escapes_every_segment_of_a_path_separately()
    {
        var value = EntitlementUrn.Encode(Fixtures.Entitlements(authority: false), GroupPath.Of("pan", "Ryhmä a", "x:y"), GroupRoles.Member);

        Assert.Equal("urn:geant:pan-aai.eu:group:pan:Ryhm%C3%A4%20a:x%3Ay:role=member", value);
    }

    [Theory]
    [InlineData("", "proxy.example.org", "Groups:Entitlements:Namespace")]
    [InlineData("geant:example.org", "proxy.example.org", "Groups:Entitlements:Namespace")]
    [InlineData("urn:geant:example.org:group:x", "proxy.example.org", "Groups:Entitlements:Namespace")]
    [InlineData("urn:geant:example.org", null, "Groups:Entitlements:Authority")]
    [InlineData("urn:geant:example.org", "proxy#x", "Groups:Entitlements:Authority")]
    public void Rejects_options_at_start_naming_the_key_to_set(string ns, string? authority, string key)
    {
        var options = new EntitlementOptions { Namespace = ns, Authority = authority };

        Assert.Contains(options.Validate(), message => message.StartsWith(key, StringComparison.Ordinal));
    }

    [Fact]
    public void Accepts_options_without_authority_when_it_is_turned_off()
    {
        Assert.Empty(new EntitlementOptions { Namespace = "urn:geant:example.org", IncludeAuthority = false }.Validate());
    }
}
