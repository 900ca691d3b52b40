using AaiProxy.Federation.Generation;
using System.Text;
using AaiProxy.Federation.Tests.Generation;

namespace AaiProxy.Federation.Tests.Trust;

/// <summary>
/// The streaming canonicalizer must produce byte for byte what SignedXml and libxmlsec1 digest: each
/// seeded case puts awkward but legal XML (namespace redeclarations and undeclarations, unused
/// declarations, attributes to sort across namespaces, escapes, CDATA, comments, CR/LF, non-ASCII)
/// into an aggregate, has the other implementation sign it, and must then verify. Any canonical
/// difference changes the digest and would make verification fail.
/// </summary>
public sealed class CanonicalizationFuzzTests : IDisposable
{
    private readonly Xmlsec1 _xmlsec1 = new();

    public void Dispose() => _xmlsec1.Dispose();

    private static readonly string[] Values =
    [
        "plain", "a&amp;b", "&lt;tag&gt;", "quote&quot;s", "tab&#x9;x", "nl&#xA;x", "cr&#xD;x", "raw\ttab", "raw\nnewline",
        "ünïcödé", "😀 emoji", "'single'", ">gt", "  two  spaces  ", "",
    ];

    private static readonly string[] Texts =
    [
        "text", "a &amp; b &lt; c &gt; d", "cr&#xD;here", "line1\r\nline2\rline3", "ö 中文 😀", "  spaced  ", "&#x20AC;&#169;",
        "\"quotes\" and 'apos'", "", "\n\t ",
    ];

    // InclusiveNamespaces PrefixLists: none, prefixes bound on the document element, rebound or
    // declared only inside the snippets, the default namespace, unbound ones.
    private static readonly string?[] PrefixLists = [null, null, "md", "saml mdui", "#default", "x y ns0 z", "md ds shibmd #default", "unused q p"];

    private static string Pick(Random random, string[] values) => values[random.Next(values.Length)];

    private sealed record Pools(string[] Values, string[] Texts);

    private static readonly Pools Everything = new(Values, Texts);

    // SignedXml re-serialises a referenced element before canonicalizing it, so whitespace written
    // as a character reference (&#x9; &#xA; &#xD; in attributes, &#xD; in text) comes back as a plain
    // space or line feed and its digest is wrong; xmlsec1 and we follow C14N 2.2 (see
    // Signed_xml_misdigests_a_carriage_return_reference_and_we_side_with_xmlsec1). And the test
    // signer's XmlDocument.LoadXml normalises neither line ends (XML 2.11) nor raw tabs and line
    // feeds in attribute values (XML 3.3.3), as every conforming parser (ours, libxml2) does.
    private static readonly Pools WhatSignedXmlDigestsCorrectly = new(
        Values.Where(v => !SignedXmlDeviates(v)).ToArray(), Texts.Where(t => !SignedXmlDeviates(t)).ToArray());

    private static bool SignedXmlDeviates(string value) =>
        value.IndexOfAny(['\r', '\n', '\t']) >= 0 || value.Contains("&#x9;", StringComparison.Ordinal) || value.Contains("&#xA;", StringComparison.Ordinal) || value.Contains("&#xD;", StringComparison.Ordinal);

    private static string Snippet(Random random, Pools pools) => random.Next(9) switch
    {
        0 => $"<x:ext xmlns:x=\"urn:example:x{random.Next(3)}\" b=\"{Pick(random, pools.Values)}\" a=\"{Pick(random, pools.Values)}\" x:c=\"{Pick(random, pools.Values)}\">{Pick(random, pools.Texts)}</x:ext>",
        1 => $"<ext xmlns=\"urn:example:default\"><inner xmlns=\"\">{Pick(random, pools.Texts)}</inner><inner2 a=\"{Pick(random, pools.Values)}\"/></ext>",
        2 => $"<y:e xmlns:y=\"urn:y\" xmlns:z=\"urn:z\" xmlns:unused=\"urn:unused\" z:attr=\"1\" xml:lang=\"fi\"><y:e xmlns:y=\"urn:y2\">{Pick(random, pools.Texts)}</y:e><y:f/></y:e>",
        3 => $"<c:data xmlns:c=\"urn:c\"><![CDATA[{"<not> & \"markup\" ]] >"}]]>{Pick(random, pools.Texts)}</c:data>",
        4 => $"<!-- a comment with <b>markup</b> -->{Pick(random, pools.Texts).Replace("&", "and").Replace("<", "")}",
        5 => $"<q:e xmlns:q=\"urn:b\" xmlns:p=\"urn:a\" q:z=\"1\" p:z=\"2\" z=\"3\" p:a=\"{Pick(random, pools.Values)}\"/>",
        6 => $"<md:Ignored xmlns:md=\"urn:oasis:names:tc:SAML:2.0:metadata\" xmlns:mdui=\"urn:example:rebound\"><mdui:X xmlns=\"urn:default\"><Y xmlns=\"urn:default\"/></mdui:X></md:Ignored>",
        7 => $"<e xmlns=\"urn:example:d1\"><e xmlns=\"urn:example:d2\"><e xmlns=\"urn:example:d1\"/><e xmlns=\"\"/></e></e>",
        _ => $"<ns0:e xmlns:ns0=\"urn:s\" ns0:b=\"{Pick(random, pools.Values)}\" ns0:a=\"x\" xmlns:ns1=\"urn:r\" ns1:a=\"y\">{Pick(random, pools.Texts)}</ns0:e>",
    };

    private static string Mutate(Random random, Pools pools)
    {
        var xml = AggregateGenerator.Generate(new AggregateSpec { Entities = 6 });
        var positions = new List<int>();
        for (var at = xml.IndexOf("<md:Extensions>", StringComparison.Ordinal); at >= 0; at = xml.IndexOf("<md:Extensions>", at + 1, StringComparison.Ordinal))
        {
            positions.Add(at + "<md:Extensions>".Length);
        }

        var text = new StringBuilder(xml);
        foreach (var position in positions.OrderByDescending(_ => random.Next()).Take(4).OrderByDescending(p => p))
        {
            text.Insert(position, Snippet(random, pools));
        }

        return text.ToString();
    }

    [Fact]
    public void Verifies_what_signed_xml_signed_on_seeded_awkward_documents()
    {
        var random = new Random(1602);
        for (var i = 0; i < 60; i++)
        {
            var unsigned = Mutate(random, WhatSignedXmlDigestsCorrectly);

            var signed = AggregateSigner.Sign(unsigned, TestCertificates.FederationSigner);

            var exception = Record.Exception(() => Fixtures.Load(signed));
            Assert.True(exception is null, $"case {i}: {exception?.Message}\n{unsigned}");
        }
    }

    [Fact]
    public void Canonicalizes_byte_for_byte_like_the_dotnet_exclusive_c14n_transform_on_seeded_awkward_documents()
    {
        var random = new Random(1604);
        for (var i = 0; i < 60; i++)
        {
            var unsigned = Mutate(random, Everything);
            var prefixList = PrefixLists[random.Next(PrefixLists.Length)];

            var signed = TransformSigner.Sign(unsigned, TestCertificates.FederationSigner, prefixList);

            var exception = Record.Exception(() => Fixtures.Load(signed));
            Assert.True(exception is null, $"case {i} (PrefixList '{prefixList}'): {exception?.Message}\n{unsigned}");
        }
    }

    [Xmlsec1Fact]
    public async Task Verifies_what_xmlsec1_signed_on_seeded_awkward_documents()
    {
        var random = new Random(1603);
        for (var i = 0; i < 25; i++)
        {
            var unsigned = Mutate(random, Everything);
            var prefixList = PrefixLists[random.Next(PrefixLists.Length)];
            var template = Fixtures.ReplaceOnce(unsigned, "<md:Extensions>",
                Xmlsec1.SignatureTemplate(new AggregateSpec().Id, transformPrefixList: prefixList) + "<md:Extensions>");

            var signed = await _xmlsec1.SignAsync(template, TestCertificates.FederationSigner);

            var exception = Record.Exception(() => Fixtures.Load(signed));
            Assert.True(exception is null, $"case {i} (PrefixList '{prefixList}'): {exception?.Message}\n{unsigned}");
        }
    }

    [Xmlsec1Fact]
    public async Task Signed_xml_misdigests_a_carriage_return_reference_and_we_side_with_xmlsec1()
    {
        var unsigned = Fixtures.ReplaceOnce(AggregateGenerator.Generate(new AggregateSpec { Entities = 3 }),
            "<md:Extensions>", "<md:Extensions><x:note xmlns:x=\"urn:example:x\">before&#xD;after</x:note>");

        var bySignedXml = AggregateSigner.Sign(unsigned, TestCertificates.FederationSigner);
        var byXmlsec1 = await _xmlsec1.SignAsync(
            Fixtures.ReplaceOnce(unsigned, "<md:Extensions>", Xmlsec1.SignatureTemplate(new AggregateSpec().Id) + "<md:Extensions>"),
            TestCertificates.FederationSigner);

        Assert.False(await _xmlsec1.VerifiesAsync(bySignedXml, TestCertificates.FederationSigner));
        Assert.Throws<AaiProxy.Federation.Reading.MetadataRejectedException>(() => Fixtures.Load(bySignedXml));
        Assert.Equal(3, Fixtures.Load(byXmlsec1).IdentityProviders.Count);
    }
}
