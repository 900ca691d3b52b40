using System.Net;
using AaiProxy.Server.Tests.Infrastructure;
using Microsoft.Extensions.Options;

namespace AaiProxy.Server.Tests.Web;

public sealed class BrandingTests(ProxyFixture fixture) : IClassFixture<ProxyFixture>
{
    [Theory]
    [InlineData("AaiProxy:Branding:PrimaryColor", "#ffcc00", "against white; links and buttons need 4.5:1")]
    [InlineData("AaiProxy:Branding:HeaderTextColor", "#777777", "the header needs 4.5:1")]
    [InlineData("AaiProxy:Branding:PrimaryColor", "blue", "is not a colour of the form #rrggbb")]
    [InlineData("AaiProxy:Branding:LogoFile", "/nonexistent/logo.png", "does not exist")]
    [InlineData("AaiProxy:Branding:Links:0:Text", "Privacy", "needs a Text and an absolute https, http or mailto Url")]
    public async Task Refuses_to_start_with_branding_that_breaks_the_pages(string key, string value, string expected)
    {
        await using var factory = new ProxyFactory(fixture.Database, overrides: new Dictionary<string, string> { [key] = value });

        var failure = Assert.ThrowsAny<Exception>(() => factory.Server);

        var validation = Assert.IsType<OptionsValidationException>(failure is AggregateException aggregate ? aggregate.InnerException : failure);
        Assert.Contains(expected, validation.Message);
    }

    [Fact]
    public async Task Every_page_links_the_stylesheet_which_carries_the_configured_colours_and_an_etag()
    {
        await using var factory = new ProxyFactory(fixture.Database, overrides: new Dictionary<string, string>
        {
            ["AaiProxy:Branding:PrimaryColor"] = "#6a1b9a",
            ["AaiProxy:Branding:ProductName"] = "Photon <AAI>",
        });
        var client = factory.CreateClient();

        var page = await client.GetStringAsync("/");
        using var stylesheet = await client.GetAsync("/assets/site.css");
        using var again = new HttpRequestMessage(HttpMethod.Get, "/assets/site.css") { Headers = { { "If-None-Match", stylesheet.Headers.ETag!.Tag } } };
        using var revalidated = await client.SendAsync(again);

        Assert.Contains("<link rel=\"stylesheet\" href=\"/assets/site.css\">", page);
        Assert.Contains("<title>AaiProxy · Photon &lt;AAI&gt;</title>", page);
        Assert.Contains("<a class=\"skip-link\" href=\"#main\">", page);
        Assert.Equal("text/css", stylesheet.Content.Headers.ContentType?.MediaType);
        Assert.Contains("--primary:#6a1b9a", await stylesheet.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.NotModified, revalidated.StatusCode);
    }

    [Fact]
    public async Task Serves_the_operators_logo_from_its_file_and_shows_it_in_the_header()
    {
        var logo = Path.Combine(fixture.Database.DataDirectory, "logo.svg");
        await File.WriteAllTextAsync(logo, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"10\" height=\"10\"/>");
        await using var factory = new ProxyFactory(fixture.Database, overrides: new Dictionary<string, string> { ["AaiProxy:Branding:LogoFile"] = logo });
        var client = factory.CreateClient();

        var page = await client.GetStringAsync("/");
        using var image = await client.GetAsync("/assets/logo");

        Assert.Contains("<img src=\"/assets/logo\" alt=\"\">", page);
        Assert.Equal("image/svg+xml", image.Content.Headers.ContentType?.MediaType);
        Assert.StartsWith("<svg", await image.Content.ReadAsStringAsync());
    }
}
