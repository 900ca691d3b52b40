using System.Net;
using AaiProxy.Server.Tests.Infrastructure;
using AaiProxy.Server.Upstream.Oidc;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Options;

namespace AaiProxy.Server.Tests.Upstream;

/// <summary>A proxy with one upstream OpenID Provider that is never reached (nothing listens on its port).</summary>
public sealed class UnreachableOidcProviderProxyFixture : ProxyFixture
{
    public const string Authority = "http://127.0.0.1:1/unreachable";

    protected override IReadOnlyDictionary<string, string>? Overrides => new Dictionary<string, string>
    {
        ["AaiProxy:OpenIdConnectProviders:0:Id"] = "unreachable",
        ["AaiProxy:OpenIdConnectProviders:0:DisplayName"] = "Unreachable community AAI",
        ["AaiProxy:OpenIdConnectProviders:0:Authority"] = Authority,
        ["AaiProxy:OpenIdConnectProviders:0:ClientId"] = "aaiproxy",
        ["AaiProxy:OpenIdConnectProviders:0:AllowInsecureHttp"] = "true",
    };
}

/// <summary>Upstream OpenID Connect settings are checked at start, each refusal naming the key to set; what the
/// configuration declares becomes a scheme with its own callback and a choice on the login page.</summary>
public sealed class OidcProviderOptionsTests(UnreachableOidcProviderProxyFixture fixture) : IClassFixture<UnreachableOidcProviderProxyFixture>
{
    private static OidcProviderOptions Valid() => new()
    {
        Id = "orcid",
        Authority = "https://orcid.org",
        ClientId = "APP-123",
    };

    public static TheoryData<string, Action<OidcProviderOptions>, string> InvalidSettings => new()
    {
        { "no id", provider => provider.Id = "", "AaiProxy:OpenIdConnectProviders:0:Id must be" },
        { "id with a slash", provider => provider.Id = "a/b", "AaiProxy:OpenIdConnectProviders:0:Id must be" },
        { "id of the SAML scheme", provider => provider.Id = "saml", "AaiProxy:OpenIdConnectProviders:0:Id 'saml' is taken" },
        { "no authority", provider => provider.Authority = "", "AaiProxy:OpenIdConnectProviders:0:Authority must be" },
        { "http authority", provider => provider.Authority = "http://orcid.org", "AaiProxy:OpenIdConnectProviders:0:Authority must be" },
        { "authority with a query", provider => provider.Authority = "https://orcid.org/?x=1", "AaiProxy:OpenIdConnectProviders:0:Authority must be" },
        { "no client id", provider => provider.ClientId = " ", "AaiProxy:OpenIdConnectProviders:0:ClientId must be set" },
        { "missing secret file", provider => provider.ClientSecretFile = "/nonexistent/secret", "AaiProxy:OpenIdConnectProviders:0:ClientSecretFile '/nonexistent/secret'" },
        { "scope with a space", provider => provider.Scopes = ["openid email"], "AaiProxy:OpenIdConnectProviders:0:Scopes" },
        { "mapping to an identifier", provider => provider.ClaimMappings["upn"] = "subject_id", "AaiProxy:OpenIdConnectProviders:0:ClaimMappings:upn" },
    };

    [Theory]
    [MemberData(nameof(InvalidSettings))]
    public void Refuses_a_provider_setting_naming_the_key(string _, Action<OidcProviderOptions> spoil, string expected)
    {
        var provider = Valid();
        spoil(provider);

        var result = new OidcProvidersOptionsValidator().Validate(null, new OidcProvidersOptions { OpenIdConnectProviders = [provider] });

        Assert.True(result.Failed);
        Assert.Contains(result.Failures!, failure => failure.Contains(expected, StringComparison.Ordinal));
    }

    [Fact]
    public void Refuses_two_providers_with_the_same_id_or_issuer()
    {
        var other = Valid();
        other.ClientId = "APP-456";

        var result = new OidcProvidersOptionsValidator().Validate(null, new OidcProvidersOptions { OpenIdConnectProviders = [Valid(), other] });

        Assert.Contains(result.Failures!, failure => failure.Contains("entries 0 and 1 have the same Id 'orcid'", StringComparison.Ordinal));
        Assert.Contains(result.Failures!, failure => failure.Contains("entries 0 and 1 have the same Authority 'https://orcid.org'", StringComparison.Ordinal));
    }

    [Fact]
    public void Accepts_a_provider_with_a_secret_file_and_claim_overrides()
    {
        var secret = Path.GetTempFileName();
        File.WriteAllText(secret, "s3cret\n");
        try
        {
            var provider = Valid();
            provider.ClientSecretFile = secret;
            provider.Scopes = ["openid", "/authenticate"];
            provider.ClaimMappings["mail"] = "email";

            Assert.True(new OidcProvidersOptionsValidator().Validate(null, new OidcProvidersOptions { OpenIdConnectProviders = [provider] }).Succeeded);
        }
        finally
        {
            File.Delete(secret);
        }
    }

    [Fact]
    public async Task Startup_with_a_provider_without_client_id_fails_naming_the_key()
    {
        await using var factory = new ProxyFactory(fixture.Database, overrides: new Dictionary<string, string>
        {
            ["AaiProxy:OpenIdConnectProviders:0:Id"] = "eduid",
            ["AaiProxy:OpenIdConnectProviders:0:Authority"] = "https://login.eduid.example.org",
        });

        var failure = Assert.ThrowsAny<Exception>(() => factory.Server);

        var validation = Assert.IsType<OptionsValidationException>(failure is AggregateException aggregate ? aggregate.InnerException : failure);
        Assert.Contains("AaiProxy:OpenIdConnectProviders:0:ClientId must be set", validation.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Login_page_offers_a_configured_provider_by_its_issuer()
    {
        var page = await LoginPageAsync(fixture.Factory.CreateBrowser());

        Assert.Contains($"value=\"{UnreachableOidcProviderProxyFixture.Authority}\"", page, StringComparison.Ordinal);
        Assert.Contains("Unreachable community AAI", page, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Choosing_a_provider_whose_metadata_cannot_be_read_shows_that_it_is_unavailable()
    {
        var browser = fixture.Factory.CreateBrowser();
        var choice = UpstreamLogin.HiddenFields(await LoginPageAsync(browser));
        choice["provider"] = UnreachableOidcProviderProxyFixture.Authority;

        using var chosen = await browser.PostAsync("/login", new FormUrlEncodedContent(choice));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, chosen.StatusCode);
        Assert.Contains("identity_provider_unavailable", await chosen.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Contains(fixture.Factory.Logs.Lines, line => line.Contains("OIDC login at unreachable cannot start", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Callback_without_a_login_in_progress_shows_an_error_page_and_signs_nobody_in()
    {
        var browser = fixture.Factory.CreateBrowser();

        using var response = await browser.GetAsync("/upstream/oidc/unreachable/callback?code=forged&state=forged");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("upstream_login_failed", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.DoesNotContain(response.Headers, header => header.Key == "Set-Cookie" && header.Value.Any(value => value.StartsWith("AaiProxy.Session=", StringComparison.Ordinal)));
    }

    private static async Task<string> LoginPageAsync(HttpClient browser)
    {
        using var authorize = await browser.GetAsync(QueryHelpers.AddQueryString("/connect/authorize",
            OidcTestClient.AuthorizationRequest(OidcTestClient.NewPkce())));
        Assert.StartsWith("/login?", authorize.Headers.Location!.OriginalString, StringComparison.Ordinal);
        return await browser.GetStringAsync(authorize.Headers.Location!);
    }
}
