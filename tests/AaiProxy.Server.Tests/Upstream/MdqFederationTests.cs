using System.Net;
using System.Text.Json;
using AaiProxy.Federation.Generation;
using AaiProxy.Server.Tests.Infrastructure;
using AaiProxy.Tests.Shared;
using Microsoft.Extensions.Options;

namespace AaiProxy.Server.Tests.Upstream;

/// <summary>
/// MDQ services configured under <c>AaiProxy:Saml:Federations</c> (<c>MdqBaseUrl</c>): an IdP known only to the
/// service is fetched when a login names it, its answer verified against the pinned signer and cached; an unknown
/// one gets a clear error and is remembered; a badly signed answer is refused. The service is a small HTTP server on
/// 127.0.0.1 answering with entity descriptors signed by the shared generator.
/// </summary>
public sealed class MdqFederationTests(ProxyFixture fixture) : IClassFixture<ProxyFixture>, IDisposable
{
    private const string Unknown = "https://idp.unknown.example.org/idp";
    private static readonly string Helsinki = AggregateGenerator.EntityId(0);
    private static readonly string Tartu = AggregateGenerator.EntityId(1);

    private readonly MetadataServer _mdq = new();
    private readonly System.Security.Cryptography.X509Certificates.X509Certificate2 _signer =
        GeneratedCertificates.Create("Test MDQ signer", 2048);
    private readonly string _directory = Directory.CreateTempSubdirectory("aaiproxy-mdq-").FullName;

    [Fact]
    public async Task An_idp_hint_naming_an_idp_known_only_through_mdq_sends_the_authn_request_to_its_sign_on_service()
    {
        Publish(0, _signer);
        await using var factory = Factory();
        var browser = factory.CreateBrowser();

        var (signOn, request) = await FederationLogin.StartAsync(browser, Helsinki);
        var again = await FederationLogin.StartAsync(factory.CreateBrowser(), Helsinki);

        Assert.Equal($"https://idp.{AggregateGenerator.Domain(0)}/idp/profile/SAML2/Redirect/SSO", signOn.GetLeftPart(UriPartial.Path));
        Assert.Equal("AuthnRequest", request.Document.DocumentElement!.LocalName);
        Assert.Equal(signOn.GetLeftPart(UriPartial.Path), again.SignOn.GetLeftPart(UriPartial.Path));
        // Fetched once, then served from the cache.
        Assert.Equal([$"/metadata/entities/{Uri.EscapeDataString(Helsinki)}"], _mdq.Requests.Select(r => r.Path));
    }

    [Fact]
    public async Task A_prefetched_mdq_idp_is_listed_in_discovery_and_found_by_name_and_e_mail()
    {
        Publish(1, _signer);
        await using var factory = Factory(new() { ["AaiProxy:Saml:Federations:0:MdqPrefetchEntityIds:0"] = Tartu });
        var client = factory.CreateClient();

        var byName = JsonDocument.Parse(await client.GetStringAsync("/discovery/search?q=tartu")).RootElement;
        var byEmail = JsonDocument.Parse(await client.GetStringAsync("/discovery/search?q=alice%40" + AggregateGenerator.Domain(1))).RootElement;

        Assert.Equal(Tartu, byName[0].GetProperty("entityId").GetString());
        Assert.Equal("University of Tartu", byName[0].GetProperty("displayName").GetString());
        Assert.Equal(Tartu, byEmail[0].GetProperty("entityId").GetString());
    }

    [Fact]
    public async Task An_idp_the_mdq_service_does_not_know_gets_a_clear_error_and_is_not_asked_for_again()
    {
        Publish(1, _signer);
        // A prefetched IdP beside the demo IdP: two choices, so the login page is shown.
        await using var factory = Factory(new() { ["AaiProxy:Saml:Federations:0:MdqPrefetchEntityIds:0"] = Tartu });
        var browser = factory.CreateBrowser();

        using var first = await ChooseAsync(browser, Unknown);
        using var second = await ChooseAsync(browser, Unknown);

        Assert.Equal(HttpStatusCode.BadRequest, first.StatusCode);
        Assert.Contains("The identity provider you chose is not known to this service.", await first.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.BadRequest, second.StatusCode);
        Assert.Single(_mdq.Requests, r => r.Path == $"/metadata/entities/{Uri.EscapeDataString(Unknown)}");
        var health = await ReadinessAsync(factory);
        Assert.Equal(1, health.GetProperty("unknownEntities").GetInt32());
        Assert.Equal(1, health.GetProperty("identityProviders").GetInt32());
    }

    [Fact]
    public async Task An_mdq_answer_signed_by_another_key_is_refused_logged_and_shown_in_readiness()
    {
        using var other = GeneratedCertificates.Create("Not the pinned MDQ signer", 2048);
        Publish(0, other);
        await using var factory = Factory();
        var browser = factory.CreateBrowser();

        var request = OidcTestClient.AuthorizationRequest(OidcTestClient.NewPkce());
        request["idp_hint"] = Helsinki;
        using var hinted = await browser.GetAsync(Microsoft.AspNetCore.WebUtilities.QueryHelpers.AddQueryString("/connect/authorize", request));
        var check = await ReadinessCheckAsync(factory);

        // The hint names no usable IdP: the only one left, the demo IdP, is offered instead.
        Assert.Equal(UpstreamLogin.DemoIdentityProviderSignOn, new Uri(browser.BaseAddress!, hinted.Headers.Location!).AbsolutePath);
        Assert.Contains(factory.Logs.Lines, line => line.Contains("MDQ source test-mdq", StringComparison.Ordinal)
                                                    && line.Contains(Helsinki, StringComparison.Ordinal)
                                                    && line.Contains("Signature", StringComparison.Ordinal));
        Assert.Equal("Degraded", check.GetProperty("status").GetString());
        Assert.False(string.IsNullOrEmpty(check.GetProperty("data").GetProperty("test-mdq").GetProperty("lastError").GetString()));
    }

    [Fact]
    public async Task Startup_with_an_mdq_service_over_plain_http_to_another_host_fails_naming_the_key()
    {
        await using var factory = new ProxyFactory(fixture.Database, overrides: new Dictionary<string, string>
        {
            ["AaiProxy:Saml:Federations:0:Name"] = "remote-mdq",
            ["AaiProxy:Saml:Federations:0:MdqBaseUrl"] = "http://mdq.example.org/",
            ["AaiProxy:Saml:Federations:0:TrustAnchorSha256Fingerprint"] = new string('a', 64),
            ["AaiProxy:Saml:Federations:0:MdqNegativeCacheDuration"] = "00:00:00",
        });

        var failure = Assert.ThrowsAny<Exception>(() => factory.Server);

        var validation = Assert.IsType<OptionsValidationException>(failure is AggregateException aggregate ? aggregate.InnerException : failure);
        Assert.Contains("AaiProxy:Saml:Federations:0:MdqBaseUrl must be an absolute https URL (http only to a loopback address)", validation.Message);
        Assert.Contains("AaiProxy:Saml:Federations:0:MdqCacheDuration and MdqNegativeCacheDuration must be positive", validation.Message);
    }

    public void Dispose()
    {
        _mdq.Dispose();
        _signer.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    private void Publish(int index, System.Security.Cryptography.X509Certificates.X509Certificate2 signer) =>
        _mdq.Answers["entities/" + Uri.EscapeDataString(AggregateGenerator.EntityId(index))] =
            AggregateGenerator.SignedEntityDocument(index, DateTimeOffset.UtcNow.AddDays(7), TimeSpan.FromHours(1), signer);

    private ProxyFactory Factory(Dictionary<string, string>? more = null)
    {
        var anchor = Path.Combine(_directory, "mdq-signer.pem");
        File.WriteAllText(anchor, _signer.ExportCertificatePem());
        var settings = new Dictionary<string, string>
        {
            ["AaiProxy:Saml:Federations:0:Name"] = "test-mdq",
            ["AaiProxy:Saml:Federations:0:MdqBaseUrl"] = _mdq.BaseUrl.AbsoluteUri,
            ["AaiProxy:Saml:Federations:0:TrustAnchorCertificateFile"] = anchor,
        };
        foreach (var (key, value) in more ?? [])
        {
            settings[key] = value;
        }

        return new ProxyFactory(fixture.Database, overrides: settings);
    }

    // The login page's choice form, posted with another provider: what a discovery choice (or a forged one) does.
    private static async Task<HttpResponseMessage> ChooseAsync(HttpClient browser, string provider)
    {
        using var authorize = await browser.GetAsync(Saml.SamlBrowserSteps.AuthorizeUrl());
        var loginPage = authorize.Headers.Location!.OriginalString;
        Assert.StartsWith("/login?", loginPage, StringComparison.Ordinal);
        var choice = UpstreamLogin.HiddenFields(await browser.GetStringAsync(loginPage));
        choice["provider"] = provider;
        return await browser.PostAsync("/login", new FormUrlEncodedContent(choice));
    }

    private static async Task<JsonElement> ReadinessCheckAsync(ProxyFactory factory)
    {
        using var response = await factory.CreateClient().GetAsync("/health/ready");
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("checks").GetProperty("federation-metadata");
    }

    private static async Task<JsonElement> ReadinessAsync(ProxyFactory factory) =>
        (await ReadinessCheckAsync(factory)).GetProperty("data").GetProperty("test-mdq");
}
