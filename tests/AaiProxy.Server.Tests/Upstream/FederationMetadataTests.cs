using System.Net;
using AaiProxy.Federation.Generation;
using AaiProxy.Server.Tests.Infrastructure;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Options;

namespace AaiProxy.Server.Tests.Upstream;

/// <summary>
/// Federation aggregates configured under <c>AaiProxy:Saml:Federations</c>: verified against their pinned key
/// before anything in them is used, their IdPs offered on the login page beside the ones named one by one. The
/// aggregates are the shared generator's (<see cref="GeneratedFederationFiles"/>).
/// </summary>
public sealed class FederationMetadataTests(ProxyFixture fixture) : IClassFixture<ProxyFixture>
{
    private static readonly string Helsinki = AggregateGenerator.EntityId(0);
    private static readonly string Tartu = AggregateGenerator.EntityId(1);

    [Fact]
    public async Task Identity_providers_of_a_signed_aggregate_are_offered_beside_the_demo_idp_and_can_be_chosen()
    {
        using var federation = new GeneratedFederationFiles(entities: 3);
        await using var factory = new ProxyFactory(fixture.Database, overrides: federation.Settings(name: "test-federation"));
        var browser = factory.CreateBrowser();

        using var authorize = await browser.GetAsync(Saml.SamlBrowserSteps.AuthorizeUrl());
        var loginPage = authorize.Headers.Location!.OriginalString;
        Assert.StartsWith("/login?", loginPage, StringComparison.Ordinal);
        var page = await browser.GetStringAsync(loginPage);
        Assert.Contains($"data-idp-entity-id=\"{Helsinki}\"", page);
        Assert.Contains("University of Helsinki", page);
        Assert.Contains("data-idp-entity-id=\"http://localhost/demo-idp\"", page);

        var choice = UpstreamLogin.HiddenFields(page);
        choice["provider"] = Helsinki;
        using var chosen = await browser.PostAsync("/login", new FormUrlEncodedContent(choice));

        Assert.Equal(HttpStatusCode.Redirect, chosen.StatusCode);
        Assert.StartsWith($"https://idp.{AggregateGenerator.Domain(0)}/idp/profile/SAML2/Redirect/SSO?", chosen.Headers.Location!.AbsoluteUri,
            StringComparison.Ordinal);
        Assert.True(QueryHelpers.ParseQuery(chosen.Headers.Location.Query).ContainsKey("SAMLRequest"));
    }

    [Fact]
    public async Task An_aggregate_signed_by_another_key_is_refused_and_the_proxy_still_serves_its_named_idps()
    {
        using var federation = new GeneratedFederationFiles(entities: 3);
        using var pinned = GeneratedCertificates.Create("The key the operator pinned", 2048);
        var settings = federation.Settings(name: "test-federation");
        settings["AaiProxy:Saml:Federations:0:TrustAnchorCertificateFile"] = federation.WriteCertificate(pinned);
        await using var factory = new ProxyFactory(fixture.Database, overrides: settings);

        // Only the demo IdP is left, so the authorization request goes straight to it.
        var start = await Saml.SamlBrowserSteps.LoginPageAsync(factory.CreateBrowser());

        Assert.Equal(UpstreamLogin.DemoIdentityProviderSignOn, start.AbsolutePath);
        Assert.Contains(factory.Logs.Lines, line => line.Contains("test-federation", StringComparison.Ordinal) &&
                                                    line.Contains("rejected", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task Discovery_search_finds_a_federated_idp_by_part_of_its_name_and_by_an_email_address()
    {
        using var federation = new GeneratedFederationFiles(entities: 40);
        await using var factory = new ProxyFactory(fixture.Database, overrides: federation.Settings());
        var client = factory.CreateClient();

        var byName = await client.GetStringAsync("/discovery/search?q=tartu%20univ");
        var byEmail = await client.GetStringAsync("/discovery/search?q=" + Uri.EscapeDataString("alice@physics." + AggregateGenerator.Domain(1)));
        var nothing = await client.GetStringAsync("/discovery/search?q=no-such-university");
        using var empty = await client.GetAsync("/discovery/search");

        Assert.Equal(Tartu, System.Text.Json.JsonDocument.Parse(byName).RootElement[0].GetProperty("entityId").GetString());
        Assert.Equal(Tartu, System.Text.Json.JsonDocument.Parse(byEmail).RootElement[0].GetProperty("entityId").GetString());
        Assert.Equal(0, System.Text.Json.JsonDocument.Parse(nothing).RootElement.GetArrayLength());
        Assert.Equal(HttpStatusCode.BadRequest, empty.StatusCode);
        Assert.Equal("application/problem+json", empty.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task With_many_idps_the_login_page_asks_for_a_search_and_lists_only_the_matches()
    {
        // 40 entities: 24 IdPs, more than the page lists without a search; IdP 17 is the only one in Brno.
        using var federation = new GeneratedFederationFiles(entities: 40);
        await using var factory = new ProxyFactory(fixture.Database, overrides: federation.Settings());
        var browser = factory.CreateBrowser();
        using var authorize = await browser.GetAsync(Saml.SamlBrowserSteps.AuthorizeUrl());
        var loginPage = authorize.Headers.Location!.OriginalString;

        var unfiltered = await browser.GetStringAsync(loginPage);
        var searched = await browser.GetStringAsync(loginPage + "&q=Brno");

        Assert.Contains("role=\"search\"", unfiltered);
        Assert.DoesNotContain("data-idp-entity-id", unfiltered);
        Assert.Contains($"data-idp-entity-id=\"{AggregateGenerator.EntityId(17)}\"", searched);
        Assert.DoesNotContain(Tartu, searched);
    }

    [Fact]
    public async Task Startup_with_a_federation_naming_both_a_file_and_a_url_fails_naming_the_key()
    {
        await using var factory = new ProxyFactory(fixture.Database, overrides: new Dictionary<string, string>
        {
            ["AaiProxy:Saml:Federations:0:Name"] = "both",
            ["AaiProxy:Saml:Federations:0:AggregateFile"] = "/nonexistent/aggregate.xml",
            ["AaiProxy:Saml:Federations:0:AggregateUrl"] = "https://mds.example.org/aggregate.xml",
            ["AaiProxy:Saml:Federations:0:TrustAnchorSha256Fingerprint"] = new string('a', 64),
        });

        var failure = Assert.ThrowsAny<Exception>(() => factory.Server);

        var validation = Assert.IsType<OptionsValidationException>(failure is AggregateException aggregate ? aggregate.InnerException : failure);
        Assert.Contains("AaiProxy:Saml:Federations:0: set exactly one of AggregateFile, AggregateUrl and MdqBaseUrl", validation.Message);
    }
}
