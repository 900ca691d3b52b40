using System.Net;
using System.Text.Json;
using AaiProxy.Federation.Generation;
using AaiProxy.Server.Tests.Infrastructure;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Options;

namespace AaiProxy.Server.Tests.Upstream;

/// <summary>
/// The discovery page in front of the demo's generated federation (<c>AaiProxy:Demo:GeneratedFederation</c>, a
/// MAPS-signed aggregate read like any federation's): names in the person's language, the JSON search, logos served
/// by the proxy, remembered choices, hide-from-discovery, and the external discovery service.
/// </summary>
public sealed class DiscoveryTests(ProxyFixture fixture) : IClassFixture<ProxyFixture>
{
    // 40 entities: IdPs are those with i % 5 < 3; IdP 5 (Coimbra) is hidden from discovery, IdP 35 (Coimbra campus 35) is not.
    private const int Entities = 40;
    private const string Tartu = "https://idp.campus1.tartu.example.edu/idp/shibboleth";

    [Fact]
    public async Task Generated_federation_idps_are_found_by_name_and_e_mail_and_lead_to_the_generated_idp_page()
    {
        await using var factory = Factory();
        var browser = factory.CreateBrowser();
        var loginPage = await LoginPageAsync(browser);

        var page = await browser.GetStringAsync(loginPage);
        var byName = await SearchAsync(browser, "tartu");
        var byEmail = await SearchAsync(browser, "alice@physics." + AggregateGenerator.Domain(1));
        var choice = ChoiceFields(page);
        choice["provider"] = Tartu;
        using var chosen = await browser.PostAsync("/login", new FormUrlEncodedContent(choice));
        var generatedIdp = await browser.GetStringAsync(chosen.Headers.Location);

        Assert.Contains("role=\"search\"", page);
        Assert.Equal(Tartu, byName[0].GetProperty("entityId").GetString());
        Assert.Equal("University of Tartu", byName[0].GetProperty("displayName").GetString());
        Assert.Equal([AggregateGenerator.Domain(1)], byName[0].GetProperty("domains").EnumerateArray().Select(d => d.GetString()));
        Assert.Equal(Tartu, byEmail[0].GetProperty("entityId").GetString());
        Assert.Equal("/demo/generated-idp/1/sso", chosen.Headers.Location!.AbsolutePath);
        Assert.True(QueryHelpers.ParseQuery(chosen.Headers.Location.Query).ContainsKey("SAMLRequest"));
        Assert.Contains("data-generated-idp=\"1\"", generatedIdp);
        Assert.Contains("University of Tartu", generatedIdp);
    }

    [Fact]
    public async Task Search_answers_in_the_persons_language_and_falls_back_to_english()
    {
        await using var factory = Factory();
        var browser = factory.CreateBrowser();

        var german = await SearchAsync(browser, "tartu", "de-CH, fr;q=0.8");
        var french = await SearchAsync(browser, "tartu", "fr");
        var finnish = await SearchAsync(browser, "tartu", "fi");
        var loginPage = await browser.GetStringAsync(await LoginPageAsync(browser) + "&q=tartu");

        Assert.Equal("Universität Tartu", german[0].GetProperty("displayName").GetString());
        // IdP 1 has no French name (only even ones have): English.
        Assert.Equal("University of Tartu", french[0].GetProperty("displayName").GetString());
        Assert.Equal("University of Tartu", finnish[0].GetProperty("displayName").GetString());
        Assert.Contains("University of Tartu</button>", loginPage);
    }

    [Fact]
    public async Task Logos_are_served_by_the_proxy_never_linked_and_only_those_it_has_shown()
    {
        await using var factory = Factory();
        var browser = factory.CreateBrowser();

        var hit = (await SearchAsync(browser, "tartu"))[0];
        var logoPath = hit.GetProperty("logo").GetString()!;
        using var logo = await browser.GetAsync(logoPath);
        var svg = await logo.Content.ReadAsStringAsync();
        using var unknown = await browser.GetAsync("/discovery/logo/AAAAAAAAAAAAAAAAAAAAAA");

        Assert.StartsWith("/discovery/logo/", logoPath, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, logo.StatusCode);
        Assert.Equal("image/svg+xml", logo.Content.Headers.ContentType?.MediaType);
        Assert.StartsWith("<svg", svg, StringComparison.Ordinal);
        Assert.Contains("sandbox", logo.Headers.GetValues("Content-Security-Policy").Single());
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
    }

    [Fact]
    public async Task An_idp_hidden_from_discovery_is_never_listed_but_a_hint_still_reaches_it()
    {
        await using var factory = Factory();
        var browser = factory.CreateBrowser();
        var hidden = AggregateGenerator.EntityId(5);

        var found = await SearchAsync(browser, "coimbra");
        var request = OidcTestClient.AuthorizationRequest(OidcTestClient.NewPkce());
        request["idp_hint"] = hidden;
        using var hinted = await browser.GetAsync(QueryHelpers.AddQueryString("/connect/authorize", request));

        Assert.True(AggregateGenerator.IsHiddenFromDiscovery(5));
        Assert.Equal([AggregateGenerator.EntityId(35)], found.Select(hit => hit.GetProperty("entityId").GetString()));
        Assert.Equal("/demo/generated-idp/5/sso", hinted.Headers.Location!.AbsolutePath);
    }

    [Fact]
    public async Task A_chosen_idp_is_remembered_in_this_browser_and_offered_first_next_time()
    {
        await using var factory = Factory();
        var browser = factory.CreateBrowser();
        var first = await browser.GetStringAsync(await LoginPageAsync(browser));
        var choice = ChoiceFields(first);
        choice["provider"] = Tartu;
        using var chosen = await browser.PostAsync("/login", new FormUrlEncodedContent(choice));

        var next = await browser.GetStringAsync(await LoginPageAsync(browser));

        Assert.DoesNotContain("data-recent-choice", first);
        Assert.Contains("AaiProxy.Idp=", string.Join(";", chosen.Headers.GetValues("Set-Cookie")));
        Assert.Contains($"data-recent-choice=\"{Tartu}\"", next);
        Assert.True(next.IndexOf("data-recent-choice", StringComparison.Ordinal) < next.IndexOf("role=\"search\"", StringComparison.Ordinal));
    }

    [Fact]
    public async Task External_discovery_service_gets_our_entity_id_and_return_url_and_its_answer_starts_the_login()
    {
        await using var factory = Factory(new() { ["AaiProxy:Saml:Discovery:ExternalUrl"] = "https://ds.example.org/ds/" });
        var browser = factory.CreateBrowser();
        using var login = await browser.GetAsync(await LoginPageAsync(browser));
        var discovery = login.Headers.Location!;
        var parameters = QueryHelpers.ParseQuery(discovery.Query);
        var returnUrl = new Uri(parameters["return"]!);

        using var back = await browser.GetAsync(QueryHelpers.AddQueryString(returnUrl.PathAndQuery, "entityID", Tartu));

        Assert.Equal("https://ds.example.org/ds/", discovery.GetLeftPart(UriPartial.Path));
        Assert.Equal("http://localhost/saml/metadata", parameters["entityID"]);
        Assert.Equal("entityID", parameters["returnIDParam"]);
        Assert.Equal("/discovery/return", returnUrl.AbsolutePath);
        Assert.Equal("/demo/generated-idp/1/sso", back.Headers.Location!.AbsolutePath);
    }

    [Fact]
    public async Task Startup_with_an_external_discovery_service_over_http_fails_naming_the_key()
    {
        await using var factory = Factory(new() { ["AaiProxy:Saml:Discovery:ExternalUrl"] = "http://ds.example.org/ds/" });

        var failure = Assert.ThrowsAny<Exception>(() => factory.Server);

        var validation = Assert.IsType<OptionsValidationException>(failure is AggregateException aggregate ? aggregate.InnerException : failure);
        Assert.Contains("AaiProxy:Saml:Discovery:ExternalUrl must be an absolute https URL", validation.Message);
    }

    [Fact]
    public async Task A_federation_filter_in_configuration_keeps_only_the_idps_it_includes()
    {
        var directory = Directory.CreateTempSubdirectory("aaiproxy-filter-");
        try
        {
            using var signer = GeneratedCertificates.Create("Filtered federation signer", 2048);
            var aggregate = Path.Combine(directory.FullName, "aggregate.xml");
            var certificate = Path.Combine(directory.FullName, "signer.pem");
            File.WriteAllText(aggregate, TransformSigner.Sign(AggregateGenerator.Generate(new AggregateSpec
            {
                Entities = Entities, ValidUntil = DateTimeOffset.UtcNow.AddDays(2),
            }), signer));
            File.WriteAllText(certificate, signer.ExportCertificatePem());
            await using var factory = new ProxyFactory(fixture.Database, overrides: new Dictionary<string, string>
            {
                ["AaiProxy:Saml:Federations:0:Name"] = "filtered",
                ["AaiProxy:Saml:Federations:0:AggregateFile"] = aggregate,
                ["AaiProxy:Saml:Federations:0:TrustAnchorCertificateFile"] = certificate,
                ["AaiProxy:Saml:Federations:0:Filter:IncludeRegistrationAuthorities:0"] = AggregateGenerator.RegistrationAuthority(1),
                ["AaiProxy:Saml:Federations:0:Filter:RequireSirtfi"] = "true",
            });

            var found = await SearchAsync(factory.CreateBrowser(), "university");

            // Of the 24 IdPs only IdP 1 is both registered by federation-1 and Sirtfi.
            Assert.Equal([Tartu], found.Select(hit => hit.GetProperty("entityId").GetString()));
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    private ProxyFactory Factory(Dictionary<string, string>? more = null) =>
        new(fixture.Database, overrides: new Dictionary<string, string>(more ?? [])
        {
            ["AaiProxy:Demo:GeneratedFederation:Entities"] = Entities.ToString(System.Globalization.CultureInfo.InvariantCulture),
        });

    private static async Task<string> LoginPageAsync(HttpClient browser)
    {
        using var authorize = await browser.GetAsync(Saml.SamlBrowserSteps.AuthorizeUrl());
        var location = authorize.Headers.Location!.OriginalString;
        Assert.StartsWith("/login?", location, StringComparison.Ordinal);
        return location;
    }

    // The hidden fields of the page's choice form (the search form has its own).
    private static Dictionary<string, string> ChoiceFields(string page)
    {
        var form = page[page.IndexOf("id=\"idp-choice\"", StringComparison.Ordinal)..];
        return UpstreamLogin.HiddenFields(form[..form.IndexOf("</form>", StringComparison.Ordinal)]);
    }

    private static async Task<JsonElement[]> SearchAsync(HttpClient browser, string query, string? acceptLanguage = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/discovery/search?q=" + Uri.EscapeDataString(query));
        if (acceptLanguage is not null)
        {
            request.Headers.TryAddWithoutValidation("Accept-Language", acceptLanguage);
        }

        using var response = await browser.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return [.. JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.EnumerateArray().Select(hit => hit.Clone())];
    }
}
