using System.Text;
using AaiProxy.Server.Upstream;
using AaiProxy.Server.Upstream.Discovery;

namespace AaiProxy.Server.Tests.Upstream;

/// <summary>The discovery page's pure parts: languages, the remembered-choices cookie, data: logos, the search.</summary>
public sealed class DiscoveryPartsTests
{
    [Theory]
    [InlineData("de-CH, fr;q=0.8, en;q=0.5", "de-CH,de,fr,en")]
    [InlineData("fr;q=0.2, sv", "sv,fr,en")]
    [InlineData("it;q=0, *", "en")]
    [InlineData("", "en")]
    [InlineData("<script>, 12, de_DE", "en")]
    public void Languages_come_by_quality_each_followed_by_its_primary_language_and_end_in_english(string header, string expected) =>
        Assert.Equal(expected.Split(','), PreferredLanguages.From(header));

    [Fact]
    public void Remembered_choices_survive_a_round_trip_and_an_edited_cookie_yields_only_its_readable_part()
    {
        var value = RememberedChoices.Format(["https://idp.uni.example/idp", "https://idp.other.example/"]);

        Assert.Equal(["https://idp.uni.example/idp", "https://idp.other.example/"], RememberedChoices.Parse(value));
        Assert.Equal(["https://idp.uni.example/idp"], RememberedChoices.Parse(value.Split('.')[0] + ".%%%"));
        Assert.Empty(RememberedChoices.Parse(new string('a', 5000)));
    }

    [Fact]
    public void Data_url_logos_are_decoded_when_they_are_images_within_the_size_limit()
    {
        var svg = "<svg xmlns=\"http://www.w3.org/2000/svg\"/>";

        var base64 = LogoCache.DecodeDataUrl("data:image/svg+xml;base64," + Convert.ToBase64String(Encoding.UTF8.GetBytes(svg)));
        var escaped = LogoCache.DecodeDataUrl("data:image/svg+xml;charset=utf-8," + Uri.EscapeDataString(svg));
        var html = LogoCache.DecodeDataUrl("data:text/html;base64," + Convert.ToBase64String(Encoding.UTF8.GetBytes("<script>alert(1)</script>")));
        var huge = LogoCache.DecodeDataUrl("data:image/png;base64," + Convert.ToBase64String(new byte[LogoCache.MaxLogoBytes + 1]));
        var broken = LogoCache.DecodeDataUrl("data:image/png;base64,***");

        Assert.Equal(("image/svg+xml", svg), (base64!.ContentType, Encoding.UTF8.GetString(base64.Bytes)));
        Assert.Equal(svg, Encoding.UTF8.GetString(escaped!.Bytes));
        Assert.Null(html);
        Assert.Null(huge);
        Assert.Null(broken);
    }

    [Fact]
    public void Search_needs_every_word_finds_names_in_any_language_and_never_a_hidden_choice()
    {
        UpstreamChoice Idp(string id, string english, string german, bool hidden = false) => new("saml", id, english)
        {
            Names = [new("en", english), new("de", german)],
            Domains = [id + ".example"],
            HiddenFromDiscovery = hidden,
        };
        var choices = new[] { Idp("uni", "University of Vienna", "Universität Wien"), Idp("tu", "Technical University of Vienna", "Technische Universität Wien"), Idp("secret", "Hidden Vienna institute", "Verstecktes Wiener Institut", hidden: true) };

        Assert.Equal(["tu", "uni"], UpstreamChoices.Search(choices, "vienna", ["en"], 20).Select(c => c.Provider));
        Assert.Equal(["tu"], UpstreamChoices.Search(choices, "techn wien", ["de"], 20).Select(c => c.Provider));
        Assert.Equal(["uni"], UpstreamChoices.Search(choices, "alice@physics.uni.example", ["en"], 20).Select(c => c.Provider));
        Assert.Empty(UpstreamChoices.Search(choices, "hidden", ["en"], 20));
        Assert.Equal("Technische Universität Wien", choices[1].DisplayNameIn(["fr", "de", "en"]));
    }
}
