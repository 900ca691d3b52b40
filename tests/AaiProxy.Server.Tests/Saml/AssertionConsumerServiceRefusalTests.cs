using System.Net;
using System.Text.RegularExpressions;
using System.Xml;
using AaiProxy.Saml;
using AaiProxy.Server.Demo.IdentityProvider;
using AaiProxy.Server.Upstream.Saml;
using AaiProxy.Server.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using static AaiProxy.Server.Tests.Saml.SamlBrowserSteps;

namespace AaiProxy.Server.Tests.Saml;

/// <summary>
/// What the ACS does with responses it must refuse — tampered, posted twice, posted by another
/// browser — as the person sees it (a page in plain words) and as the operator sees it (the log).
/// </summary>
[Collection(PlainAssertionsProxyFixture.Collection)]
public sealed partial class AssertionConsumerServiceRefusalTests(PlainAssertionsProxyFixture fixture)
{
    private readonly ProxyFactory _factory = fixture.Factory;

    [Fact]
    public async Task Unsigned_status_response_never_puts_its_message_on_the_proxys_page()
    {
        // Anyone can post an unsigned non-Success Response naming a trusted IdP. Before, its StatusMessage
        // appeared on the proxy's own origin as if the IdP had said it.
        var idp = _factory.Services.GetRequiredService<AaiProxy.Server.Demo.IdentityProvider.DemoIdentityProvider>();
        var acs = _factory.Services.GetRequiredService<AaiProxy.Saml.ServiceProviderSettings>().AssertionConsumerServiceUrl;
        const string lure = "Your account is locked: call +1 555 0100 and give your password";
        var xml = $"""
            <samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion"
              ID="_forged" Version="2.0" IssueInstant="{DateTime.UtcNow:yyyy-MM-ddTHH:mm:ssZ}" Destination="{acs}">
              <saml:Issuer>{idp.EntityId}</saml:Issuer>
              <samlp:Status><samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Responder"/>
                <samlp:StatusMessage>{lure}</samlp:StatusMessage></samlp:Status>
            </samlp:Response>
            """;

        using var answer = await _factory.CreateBrowser().PostAsync("/saml/acs", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["SAMLResponse"] = Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(xml)),
        }));

        var page = await ReadFailurePageAsync(answer);
        Assert.Equal(HttpStatusCode.Unauthorized, page.Status);
        Assert.Contains("did not sign you in", page.Html);
        Assert.DoesNotContain("555 0100", page.Html);
        LogLine(_factory, page.CorrelationId, "555 0100"); // the operator still sees what was sent
    }

    [Fact]
    public async Task A_refused_response_is_counted_as_a_failed_login_of_the_idp_the_request_went_to()
    {
        using var logins = new ProxyMeasurements(_factory.Services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>(), "aaiproxy.logins");
        var browser = _factory.CreateBrowser();
        var genuine = await ObtainResponseAsync(browser, "alice");
        var response = genuine.ResponseXml();
        Assert.Single(AttributeValues(response), value => value.InnerText == "Alice").InnerText = "Mallory";

        using var answer = await UpstreamLogin.PostToAcsAsync(browser, genuine.WithResponse(response));

        Assert.Equal(HttpStatusCode.BadRequest, answer.StatusCode);
        var (count, tags) = Assert.Single(logins.Now());
        Assert.Equal(1, count);
        Assert.Equal("saml2", tags["protocol"]);
        Assert.Equal(_factory.Services.GetRequiredService<DemoIdentityProvider>().EntityId, tags["issuer"]);
        Assert.NotEqual("success", tags["outcome"]);
    }

    [Fact]
    public async Task Failed_login_shows_plain_words_and_a_correlation_id_that_is_in_the_log()
    {
        var browser = _factory.CreateBrowser();
        var genuine = await ObtainResponseAsync(browser, "alice");
        var response = genuine.ResponseXml();
        var givenName = Assert.Single(AttributeValues(response), value => value.InnerText == "Alice");
        givenName.InnerText = "Mallory"; // a signed value changed after signing
        var tampered = genuine.WithResponse(response);

        using var answer = await UpstreamLogin.PostToAcsAsync(browser, tampered);

        var page = await ReadFailurePageAsync(answer);
        Assert.Equal(HttpStatusCode.BadRequest, page.Status);
        Assert.Contains(AaiProxy.Server.Web.ErrorPage.Title, page.Html);
        Assert.Contains("The sign-in response is not signed in a way this service can trust.", page.Html);
        var logLine = LogLine(_factory, page.CorrelationId, "response rejected with SignatureInvalid");
        var reason = RejectionReason().Match(logLine).Groups["reason"].Value;
        Assert.NotEmpty(reason);
        Assert.DoesNotContain(reason, page.Html);

        // The log names the failure, never the message itself or key material.
        var idp = _factory.Services.GetRequiredService<DemoIdentityProvider>();
        var serviceProvider = _factory.Services.GetRequiredService<ServiceProviderSettings>();
        var secrets = new[]
        {
            tampered.SamlResponse[..64], tampered.SamlResponse[^64..], genuine.SamlResponse[..64],
            SignatureValue(response)[..32],
            Convert.ToBase64String(idp.SigningCertificate.RawData)[..64],
            Convert.ToBase64String(serviceProvider.DecryptionCertificates[0].RawData)[..64],
            "PRIVATE KEY",
        };
        Assert.All(_factory.Logs.Lines, line => Assert.All(secrets, secret => Assert.DoesNotContain(secret, line)));
        Assert.False(await IsSignedInAsync(browser));
    }

    [Fact]
    public async Task Response_posted_again_by_the_same_browser_is_refused_because_its_request_was_already_answered()
    {
        var browser = _factory.CreateBrowser();
        var form = await ObtainResponseAsync(browser, "bob");
        using (var first = await UpstreamLogin.PostToAcsAsync(browser, form))
        {
            Assert.Equal(HttpStatusCode.Redirect, first.StatusCode);
        }

        // The first post consumed this browser's outstanding request, so the InResponseTo rule
        // (before the replay cache, see SamlResponseValidator) is what refuses the second.
        using var second = await UpstreamLogin.PostToAcsAsync(browser, form);

        var page = await ReadFailurePageAsync(second);
        Assert.Equal(HttpStatusCode.BadRequest, page.Status);
        Assert.Contains("does not answer a sign-in started in this browser", page.Html);
        LogLine(_factory, page.CorrelationId, "response rejected with UnexpectedInResponseTo");
    }

    [Fact]
    public async Task Response_submitted_twice_with_the_same_browser_state_is_accepted_once_then_refused_as_already_used()
    {
        // A double-click, or someone who captured both the POST and the browser's cookies: both posts
        // carry the outstanding-request cookie, so only the replay cache stands in the way.
        var cookies = new CookieContainer();
        var browser = _factory.CreateBrowser(cookies);
        var form = await ObtainResponseAsync(browser, "bob");
        var copy = _factory.CreateBrowser(CopyCookies(cookies));

        using (var first = await UpstreamLogin.PostToAcsAsync(browser, form))
        {
            Assert.Equal(HttpStatusCode.Redirect, first.StatusCode);
        }

        using var second = await UpstreamLogin.PostToAcsAsync(copy, form);

        var page = await ReadFailurePageAsync(second);
        Assert.Equal(HttpStatusCode.BadRequest, page.Status);
        Assert.Contains("This sign-in response was already used.", page.Html);
        LogLine(_factory, page.CorrelationId, "response rejected with Replayed");
        Assert.False(await IsSignedInAsync(copy));
    }

    [Fact]
    public async Task Response_obtained_by_one_browser_is_refused_in_another_browser_which_stays_signed_out()
    {
        var victim = _factory.CreateBrowser();
        var form = await ObtainResponseAsync(victim, "alice");
        var attacker = _factory.CreateBrowser();

        using var answer = await UpstreamLogin.PostToAcsAsync(attacker, form);

        var page = await ReadFailurePageAsync(answer);
        Assert.Equal(HttpStatusCode.BadRequest, page.Status);
        Assert.Contains("does not answer a sign-in started in this browser", page.Html);
        LogLine(_factory, page.CorrelationId, "response rejected with UnexpectedInResponseTo");
        Assert.False(await IsSignedInAsync(attacker));

        // The refusal did not spend the response: its own browser still completes the login.
        using var own = await UpstreamLogin.PostToAcsAsync(victim, form);
        Assert.Equal(HttpStatusCode.Redirect, own.StatusCode);
        Assert.True(await IsSignedInAsync(victim));
    }

    private static IEnumerable<XmlElement> AttributeValues(XmlDocument response) =>
        response.GetElementsByTagName("AttributeValue", SamlNamespaces.Assertion).Cast<XmlElement>();

    private static string SignatureValue(XmlDocument response) =>
        response.GetElementsByTagName("SignatureValue", SamlNamespaces.XmlDsig)[0]!.InnerText.Trim();

    [GeneratedRegex(@"\): (?<reason>.+) \(correlation ")]
    private static partial Regex RejectionReason();
}
