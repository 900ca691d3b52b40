using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Security.Cryptography.Xml;
using System.Xml;
using AaiProxy.Server.Tests.Infrastructure;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Options;

namespace AaiProxy.Server.Tests.Upstream;

/// <summary>
/// Federation aggregates configured under <c>AaiProxy:Saml:Federations</c>: verified against their pinned key
/// before anything in them is used, their IdPs offered on the login page beside the ones named one by one.
/// </summary>
public sealed class FederationMetadataTests(ProxyFixture fixture) : IClassFixture<ProxyFixture>, IDisposable
{
    private const string FederatedIdp = "https://idp.federation.example.org/idp";
    private const string FederatedSso = "https://idp.federation.example.org/sso";
    private readonly string _directory = Directory.CreateTempSubdirectory("aaiproxy-federation-").FullName;

    [Fact]
    public async Task Identity_providers_of_a_signed_aggregate_are_offered_beside_the_demo_idp_and_can_be_chosen()
    {
        using var signer = NewCertificate("CN=Test federation signer");
        await using var factory = FactoryWith(WriteAggregate(signer), WriteCertificate(signer));
        var browser = factory.CreateBrowser();

        using var authorize = await browser.GetAsync(Saml.SamlBrowserSteps.AuthorizeUrl());
        var loginPage = authorize.Headers.Location!.OriginalString;
        Assert.StartsWith("/login?", loginPage, StringComparison.Ordinal);
        var page = await browser.GetStringAsync(loginPage);
        Assert.Contains($"data-idp-entity-id=\"{FederatedIdp}\"", page);
        Assert.Contains("Federation University", page);
        Assert.Contains("data-idp-entity-id=\"http://localhost/demo-idp\"", page);

        var choice = UpstreamLogin.HiddenFields(page);
        choice["provider"] = FederatedIdp;
        using var chosen = await browser.PostAsync("/login", new FormUrlEncodedContent(choice));

        Assert.Equal(HttpStatusCode.Redirect, chosen.StatusCode);
        Assert.StartsWith(FederatedSso + "?", chosen.Headers.Location!.AbsoluteUri, StringComparison.Ordinal);
        Assert.True(QueryHelpers.ParseQuery(chosen.Headers.Location.Query).ContainsKey("SAMLRequest"));
    }

    [Fact]
    public async Task An_aggregate_signed_by_another_key_is_refused_and_the_proxy_still_serves_its_named_idps()
    {
        using var signer = NewCertificate("CN=Test federation signer");
        using var pinned = NewCertificate("CN=The key the operator pinned");
        await using var factory = FactoryWith(WriteAggregate(signer), WriteCertificate(pinned));

        // Only the demo IdP is left, so the authorization request goes straight to it.
        var start = await Saml.SamlBrowserSteps.LoginPageAsync(factory.CreateBrowser());

        Assert.Equal(UpstreamLogin.DemoIdentityProviderSignOn, start.AbsolutePath);
        Assert.Contains(factory.Logs.Lines, line => line.Contains("test-federation", StringComparison.Ordinal) &&
                                                    line.Contains("rejected", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task Discovery_search_finds_a_federated_idp_by_part_of_its_name_and_by_an_email_address()
    {
        using var signer = NewCertificate("CN=Test federation signer");
        await using var factory = FactoryWith(WriteAggregate(signer, moreIdps: 30), WriteCertificate(signer));
        var client = factory.CreateClient();

        var byName = await client.GetStringAsync("/discovery/search?q=federation%20univ");
        var byEmail = await client.GetStringAsync("/discovery/search?q=" + Uri.EscapeDataString("alice@physics.federation.example.org"));
        var nothing = await client.GetStringAsync("/discovery/search?q=no-such-university");
        using var empty = await client.GetAsync("/discovery/search");

        Assert.Equal(FederatedIdp, System.Text.Json.JsonDocument.Parse(byName).RootElement[0].GetProperty("entityId").GetString());
        Assert.Equal(FederatedIdp, System.Text.Json.JsonDocument.Parse(byEmail).RootElement[0].GetProperty("entityId").GetString());
        Assert.Equal(0, System.Text.Json.JsonDocument.Parse(nothing).RootElement.GetArrayLength());
        Assert.Equal(HttpStatusCode.BadRequest, empty.StatusCode);
        Assert.Equal("application/problem+json", empty.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task With_many_idps_the_login_page_asks_for_a_search_and_lists_only_the_matches()
    {
        using var signer = NewCertificate("CN=Test federation signer");
        await using var factory = FactoryWith(WriteAggregate(signer, moreIdps: 30), WriteCertificate(signer));
        var browser = factory.CreateBrowser();
        using var authorize = await browser.GetAsync(Saml.SamlBrowserSteps.AuthorizeUrl());
        var loginPage = authorize.Headers.Location!.OriginalString;

        var unfiltered = await browser.GetStringAsync(loginPage);
        var searched = await browser.GetStringAsync(loginPage + "&q=College%20number%2017");

        Assert.Contains("role=\"search\"", unfiltered);
        Assert.DoesNotContain("data-idp-entity-id", unfiltered);
        Assert.Contains("data-idp-entity-id=\"https://idp17.college.example.org/idp\"", searched);
        Assert.DoesNotContain(FederatedIdp, searched);
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

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private ProxyFactory FactoryWith(string aggregateFile, string anchorFile) => new(fixture.Database, overrides: new Dictionary<string, string>
    {
        ["AaiProxy:Saml:Federations:0:Name"] = "test-federation",
        ["AaiProxy:Saml:Federations:0:AggregateFile"] = aggregateFile,
        ["AaiProxy:Saml:Federations:0:TrustAnchorCertificateFile"] = anchorFile,
    });

    private string WriteCertificate(X509Certificate2 certificate)
    {
        var path = Path.Combine(_directory, Guid.NewGuid().ToString("N") + ".crt");
        File.WriteAllBytes(path, certificate.RawData);
        return path;
    }

    // A one-IdP EntitiesDescriptor signed as the eduGAIN MAPS asks: RSA-SHA256, SHA-256 digest, enveloped +
    // exclusive c14n, a reference to the document element's ID.
    private string WriteAggregate(X509Certificate2 signer, int moreIdps = 0)
    {
        using var idpKey = NewCertificate("CN=idp.federation.example.org");
        var more = string.Concat(Enumerable.Range(1, moreIdps).Select(i =>
            $"<md:EntityDescriptor entityID=\"https://idp{i}.college.example.org/idp\"><md:IDPSSODescriptor protocolSupportEnumeration=\"urn:oasis:names:tc:SAML:2.0:protocol\">" +
            $"<md:Extensions><mdui:UIInfo><mdui:DisplayName xml:lang=\"en\">College number {i}</mdui:DisplayName></mdui:UIInfo></md:Extensions>" +
            $"<md:KeyDescriptor use=\"signing\"><ds:KeyInfo><ds:X509Data><ds:X509Certificate>{Convert.ToBase64String(idpKey.RawData)}</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor>" +
            $"<md:SingleSignOnService Binding=\"urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect\" Location=\"https://idp{i}.college.example.org/sso\"/></md:IDPSSODescriptor></md:EntityDescriptor>"));
        var document = new XmlDocument { PreserveWhitespace = true };
        document.LoadXml($"""
            <md:EntitiesDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" xmlns:ds="http://www.w3.org/2000/09/xmldsig#" xmlns:mdui="urn:oasis:names:tc:SAML:metadata:ui" xmlns:shibmd="urn:mace:shibboleth:metadata:1.0" ID="_aggregate" Name="test-federation" validUntil="{DateTime.UtcNow.AddDays(2):yyyy-MM-ddTHH:mm:ssZ}"><md:EntityDescriptor entityID="{FederatedIdp}"><md:IDPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol"><md:Extensions><shibmd:Scope regexp="false">federation.example.org</shibmd:Scope><mdui:UIInfo><mdui:DisplayName xml:lang="en">Federation University</mdui:DisplayName></mdui:UIInfo></md:Extensions><md:KeyDescriptor use="signing"><ds:KeyInfo><ds:X509Data><ds:X509Certificate>{Convert.ToBase64String(idpKey.RawData)}</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor><md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" Location="{FederatedSso}"/></md:IDPSSODescriptor></md:EntityDescriptor>{more}</md:EntitiesDescriptor>
            """);
        var signed = new SignedXml(document) { SigningKey = signer.GetRSAPrivateKey() };
        signed.SignedInfo!.SignatureMethod = SignedXml.XmlDsigRSASHA256Url;
        signed.SignedInfo.CanonicalizationMethod = SignedXml.XmlDsigExcC14NTransformUrl;
        var reference = new Reference("#_aggregate") { DigestMethod = SignedXml.XmlDsigSHA256Url };
        reference.AddTransform(new XmlDsigEnvelopedSignatureTransform());
        reference.AddTransform(new XmlDsigExcC14NTransform());
        signed.AddReference(reference);
        signed.ComputeSignature();
        document.DocumentElement!.PrependChild(document.ImportNode(signed.GetXml(), deep: true));
        var path = Path.Combine(_directory, Guid.NewGuid().ToString("N") + ".xml");
        File.WriteAllText(path, document.OuterXml);
        return path;
    }

    private static X509Certificate2 NewCertificate(string subject)
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        return request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(30));
    }
}
