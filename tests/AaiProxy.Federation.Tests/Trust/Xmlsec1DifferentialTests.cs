using AaiProxy.Federation.Generation;
using System.Text.RegularExpressions;
using AaiProxy.Federation.Reading;
using AaiProxy.Federation.Tests.Generation;
using AaiProxy.Saml.Xml;

namespace AaiProxy.Federation.Tests.Trust;

/// <summary>Our verification and libxmlsec1's must agree: on generated aggregates and on seeded mutations
/// of them, some of which keep the canonical form (and so the signature) intact and some of which do not.</summary>
public sealed class Xmlsec1DifferentialTests : IDisposable
{
    private readonly Xmlsec1 _xmlsec1 = new();

    public void Dispose() => _xmlsec1.Dispose();

    private static bool WeAccept(string xml)
    {
        try
        {
            Fixtures.Load(xml);
            return true;
        }
        catch (MetadataRejectedException)
        {
            return false;
        }
    }

    [Xmlsec1Fact]
    public async Task Xmlsec1_accepts_the_generated_aggregate_we_accept()
    {
        Assert.True(await _xmlsec1.VerifiesAsync(Fixtures.Baseline, TestCertificates.FederationSigner));
        Assert.True(WeAccept(Fixtures.Baseline));
    }

    [Xmlsec1Fact]
    public async Task Accepts_an_aggregate_signed_by_xmlsec1()
    {
        var unsigned = AggregateGenerator.Generate(new AggregateSpec());
        var template = Fixtures.ReplaceOnce(unsigned, "<md:Extensions>", Xmlsec1.SignatureTemplate(new AggregateSpec().Id) + "<md:Extensions>");

        var signed = await _xmlsec1.SignAsync(template, TestCertificates.FederationSigner);

        Assert.Equal(15, Fixtures.Load(signed).IdentityProviders.Count);
    }

    [Xmlsec1Fact]
    public async Task Accepts_an_aggregate_signed_by_xmlsec1_with_ecdsa_p256()
    {
        var unsigned = AggregateGenerator.Generate(new AggregateSpec());
        var template = Fixtures.ReplaceOnce(unsigned, "<md:Extensions>",
            Xmlsec1.SignatureTemplate(new AggregateSpec().Id, "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256") + "<md:Extensions>");

        var signed = await _xmlsec1.SignAsync(template, TestCertificates.EcSigner);

        var anchor = AaiProxy.Federation.Trust.MetadataTrustAnchor.FromCertificate(TestCertificates.PublicPart(TestCertificates.EcSigner));
        Assert.Equal(15, Fixtures.Load(signed, anchor).IdentityProviders.Count);
    }

    [Xmlsec1Fact]
    public async Task Accepts_an_aggregate_xmlsec1_signed_with_an_inclusive_namespaces_prefix_list()
    {
        var unsigned = AggregateGenerator.Generate(new AggregateSpec());
        var template = Xmlsec1.SignatureTemplate(new AggregateSpec().Id, transformPrefixList: "md saml #default unbound");

        var signed = await _xmlsec1.SignAsync(Fixtures.ReplaceOnce(unsigned, "<md:Extensions>", template + "<md:Extensions>"), TestCertificates.FederationSigner);

        Assert.Equal(15, Fixtures.Load(signed).IdentityProviders.Count);
    }

    [Xmlsec1Fact]
    public async Task Refuses_a_prefix_list_on_the_signed_info_canonicalization_that_xmlsec1_accepts_rather_than_guess()
    {
        // SignedInfo is canonicalized as it streams past, before its CanonicalizationMethod is known.
        var unsigned = AggregateGenerator.Generate(new AggregateSpec());
        var template = Xmlsec1.SignatureTemplate(new AggregateSpec().Id, signedInfoPrefixList: "md");
        var signed = await _xmlsec1.SignAsync(Fixtures.ReplaceOnce(unsigned, "<md:Extensions>", template + "<md:Extensions>"), TestCertificates.FederationSigner);

        Assert.True(await _xmlsec1.VerifiesAsync(signed, TestCertificates.FederationSigner));
        var error = Assert.Throws<MetadataRejectedException>(() => Fixtures.Load(signed));
        Assert.Equal(MetadataRejection.SignatureTransformNotAllowed, error.Reason);
    }

    private delegate string Mutation(string xml, Random random);

    // Each mutation edits one random place; "keeps" says whether the canonical form stays the same.
    private static readonly (string Name, Mutation Apply, bool Keeps)[] Mutations =
    [
        ("single-quoted attribute", (x, r) => AtRandom(x, r, "Location=\"([^\"]*)\"", m => $"Location='{m.Groups[1].Value}'"), true),
        ("unused namespace declaration", (x, r) => AtRandom(x, r, "<md:Organization>", _ => "<md:Organization xmlns:unused=\"urn:example:unused\">"), true),
        ("empty element written open", (x, r) => AtRandom(x, r, "<(md:SingleSignOnService)([^<>]*?)/>", m => $"<{m.Groups[1].Value}{m.Groups[2].Value}></{m.Groups[1].Value}>"), true),
        ("character reference", (x, r) => AtRandom(x, r, "University of ", _ => "University&#x20;of "), true),
        ("changed letter in a name", (x, r) => AtRandom(x, r, "University of ([A-Z])", m => "University of " + (char)(m.Groups[1].Value[0] ^ 0x20)), false),
        ("changed location", (x, r) => AtRandom(x, r, "/SAML2/Redirect/SSO", _ => "/SAML2/Redirect/SSO2"), false),
        ("whitespace inside a value", (x, r) => AtRandom(x, r, "<mdui:DomainHint>", _ => "<mdui:DomainHint> "), false),
        ("dropped entity attribute value", (x, r) => AtRandom(x, r, "<saml:AttributeValue>https://refeds.org/sirtfi</saml:AttributeValue>", _ => ""), false),
        ("changed digest", (x, r) => AtRandom(x, r, "DigestValue>([A-Za-z0-9+/])", m => "DigestValue>" + (m.Groups[1].Value == "A" ? "B" : "A")), false),
    ];

    private static string AtRandom(string xml, Random random, string pattern, MatchEvaluator replacement)
    {
        var matches = Regex.Matches(xml, pattern);
        Assert.NotEmpty(matches);
        var match = matches[random.Next(matches.Count)];
        return string.Concat(xml.AsSpan(0, match.Index), replacement(match), xml.AsSpan(match.Index + match.Length));
    }

    [Xmlsec1Fact]
    public async Task Agrees_with_xmlsec1_on_seeded_mutations_of_a_signed_aggregate()
    {
        var random = new Random(16);
        foreach (var (name, apply, keeps) in Mutations)
        {
            for (var round = 0; round < 3; round++)
            {
                var mutated = apply(Fixtures.Baseline, random);

                var theirs = await _xmlsec1.VerifiesAsync(mutated, TestCertificates.FederationSigner);
                var ours = WeAccept(mutated);

                Assert.True(theirs == keeps, $"xmlsec1 {(theirs ? "accepted" : "rejected")} '{name}'");
                Assert.True(ours == theirs, $"'{name}': xmlsec1 {(theirs ? "accepted" : "rejected")}, we {(ours ? "accepted" : "rejected")}");
            }
        }
    }
}
