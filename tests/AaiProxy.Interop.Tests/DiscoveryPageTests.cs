using System.Text;
using AaiProxy.Federation.Generation;
using AaiProxy.Interop.Tests.Harness;
using AaiProxy.Interop.Tests.Portal;
using Microsoft.Playwright;

namespace AaiProxy.Interop.Tests;

/// <summary>
/// The discovery page in front of an eduGAIN-sized federation, in Chromium: a 10,500-entity aggregate (6,300 IdPs)
/// generated and MAPS-signed by the test, pinned by its signer's certificate, read by the proxy at start. A person
/// finds their IdP by part of its name and by their e-mail address through the type-ahead combobox, picks it with the
/// keyboard or the mouse, and the browser reaches that IdP's single sign-on service with the proxy's AuthnRequest
/// (the generated IdPs' hosts do not exist: the browser's requests to them are answered, and recorded, by the test).
/// </summary>
public sealed class DiscoveryPageTests(ITestOutputHelper output)
{
    private const int Entities = 10_500;

    // IdPs (i % 5 < 3) that are not hidden from discovery (i % 50 != 5).
    private const int ByName = 1231;   // University of Tartu campus 1231
    private const int ByEmail = 2042;  // University of Utrecht campus 2042

    [SkippableFact]
    public async Task A_person_finds_their_idp_among_6300_by_part_of_its_name_and_by_e_mail_and_reaches_it()
    {
        var federation = Directory.CreateTempSubdirectory("aaiproxy-discovery-");
        try
        {
            var (aggregate, certificate) = WriteSignedAggregate(federation.FullName);
            await using var stack = await DemoStack.StartAsync(output, new Dictionary<string, string>
            {
                ["AaiProxy:Saml:Federations:0:Name"] = "generated-edugain",
                ["AaiProxy:Saml:Federations:0:AggregateFile"] = aggregate,
                ["AaiProxy:Saml:Federations:0:TrustAnchorCertificateFile"] = certificate,
            });
            await stack.RunAsync(nameof(A_person_finds_their_idp_among_6300_by_part_of_its_name_and_by_e_mail_and_reaches_it), async page =>
            {
                var reached = new List<string>();
                await page.RouteAsync("https://idp.*.example.edu/**", async route =>
                {
                    reached.Add(route.Request.Url);
                    await route.FulfillAsync(new RouteFulfillOptions
                    {
                        ContentType = "text/html",
                        Body = "<!doctype html><html lang=\"en\"><title>Generated IdP</title><main><h1 data-reached-idp>Generated IdP</h1></main></html>",
                    });
                });
                var portal = new PortalPage(page, stack.Proxy.BaseUrl);

                await StartLoginAsync(page, portal);
                await Accessibility.AssertNoViolationsAsync(page, output, "the discovery page");
                await page.Locator("#q").PressSequentiallyAsync("tartu campus 1231");
                var option = page.Locator($"[role=option][data-option-entity-id=\"{AggregateGenerator.EntityId(ByName)}\"]");
                await option.WaitForAsync();
                Assert.Equal("true", await page.Locator("#q").GetAttributeAsync("aria-expanded"));
                await Accessibility.AssertNoViolationsAsync(page, output, "the discovery page with search results");
                await page.Locator("#q").PressAsync("ArrowDown");
                Assert.Equal(await page.Locator("[role=option]").First.GetAttributeAsync("id"), await page.Locator("#q").GetAttributeAsync("aria-activedescendant"));
                await page.Locator("#q").PressAsync("Enter");
                await page.Locator("[data-reached-idp]").WaitForAsync();
                AssertAuthnRequestFor(ByName, reached[^1], stack.Proxy.BaseUrl);

                await StartLoginAsync(page, portal);
                Assert.Equal(AggregateGenerator.EntityId(ByName), await page.Locator("[data-recent-choice]").GetAttributeAsync("data-recent-choice"));
                await page.Locator("#q").PressSequentiallyAsync("someone@physics." + AggregateGenerator.Domain(ByEmail));
                await page.Locator($"[role=option][data-option-entity-id=\"{AggregateGenerator.EntityId(ByEmail)}\"]").ClickAsync();
                await page.Locator("[data-reached-idp]").WaitForAsync();
                AssertAuthnRequestFor(ByEmail, reached[^1], stack.Proxy.BaseUrl);
            });
        }
        finally
        {
            federation.Delete(recursive: true);
        }
    }

    private static async Task StartLoginAsync(IPage page, PortalPage portal)
    {
        await portal.OpenAsync();
        await portal.SignInAsync();
        await page.Locator("#q").WaitForAsync();
    }

    // The generated IdP's SSO service received an AuthnRequest of this proxy addressed to it.
    private static void AssertAuthnRequestFor(int index, string url, Uri proxy)
    {
        var request = RedirectBindingQuery.Of(url).Message("SAMLRequest").DocumentElement!;
        Assert.StartsWith($"https://idp.{AggregateGenerator.Domain(index)}/idp/profile/SAML2/Redirect/SSO?", url, StringComparison.Ordinal);
        Assert.Equal("AuthnRequest", request.LocalName);
        Assert.Equal($"https://idp.{AggregateGenerator.Domain(index)}/idp/profile/SAML2/Redirect/SSO", request.GetAttribute("Destination"));
        Assert.Equal(new Uri(proxy, "/saml/metadata").ToString(), request.GetElementsByTagName("Issuer", "urn:oasis:names:tc:SAML:2.0:assertion")[0]!.InnerText);
    }

    private static (string Aggregate, string Certificate) WriteSignedAggregate(string directory)
    {
        using var signer = GeneratedCertificates.Create("Discovery test federation signer", 2048);
        var now = DateTimeOffset.UtcNow;
        var xml = AggregateGenerator.Generate(new AggregateSpec { Entities = Entities, ValidUntil = now.AddDays(2), Id = "_discovery-test" });
        var aggregate = Path.Combine(directory, "aggregate.xml");
        var certificate = Path.Combine(directory, "signer.pem");
        File.WriteAllText(aggregate, TransformSigner.Sign(xml, signer), new UTF8Encoding(encoderShouldEmitUTF8Identifier: false));
        File.WriteAllText(certificate, signer.ExportCertificatePem());
        return (aggregate, certificate);
    }
}
