using System.Net;
using System.Security.Cryptography.X509Certificates;
using AaiProxy.Federation.Generation;
using AaiProxy.Saml;
using AaiProxy.Saml.Attributes;
using AaiProxy.Saml.Bindings;
using AaiProxy.Saml.IdentityProvider;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.DependencyInjection;

namespace AaiProxy.Server.Tests.Infrastructure;

/// <summary>
/// A federation aggregate made by the shared generator (<see cref="AggregateGenerator"/>: entity <c>i</c> is an IdP
/// when <c>i % 5 &lt; 3</c>, R&amp;S when <c>i % 4 == 0</c>, Sirtfi when <c>i % 10 == 1</c>), signed per MAPS with a
/// key made here, written with its signer's certificate to a temporary directory. Every entity publishes the public
/// part of <see cref="EntityKey"/>, whose private key the test holds, so the test can answer as any of its IdPs.
/// </summary>
internal sealed class GeneratedFederationFiles : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("aaiproxy-generated-federation-").FullName;

    /// <param name="edit">Applied to the aggregate's text before it is signed (e.g. to point a logo elsewhere).</param>
    public GeneratedFederationFiles(int entities, Func<string, string>? edit = null)
    {
        EntityKey = GeneratedCertificates.Create("Test federation IdP key", 2048);
        using var signer = GeneratedCertificates.Create("Test federation signer", 2048);
        var spec = new AggregateSpec
        {
            Entities = entities,
            ValidUntil = DateTimeOffset.UtcNow.AddDays(14),
            EntityCertificates = [GeneratedCertificates.PublicPart(EntityKey)],
        };
        var text = AggregateGenerator.Generate(spec);
        File.WriteAllText(AggregateFile, TransformSigner.Sign(edit is null ? text : edit(text), signer));
        File.WriteAllText(AnchorFile, signer.ExportCertificatePem());
    }

    public X509Certificate2 EntityKey { get; }

    public string AggregateFile => Path.Combine(_directory, "aggregate.xml");

    public string AnchorFile => Path.Combine(_directory, "signer.pem");

    /// <summary>Another certificate beside the aggregate (e.g. a wrong trust anchor); returns its file.</summary>
    public string WriteCertificate(X509Certificate2 certificate)
    {
        var path = Path.Combine(_directory, Guid.NewGuid().ToString("N") + ".pem");
        File.WriteAllText(path, certificate.ExportCertificatePem());
        return path;
    }

    /// <summary>The keys of <c>AaiProxy:Saml:Federations:{index}</c> naming this aggregate.</summary>
    public Dictionary<string, string> Settings(int index = 0, string name = "generated-federation") => new()
    {
        [$"AaiProxy:Saml:Federations:{index}:Name"] = name,
        [$"AaiProxy:Saml:Federations:{index}:AggregateFile"] = AggregateFile,
        [$"AaiProxy:Saml:Federations:{index}:TrustAnchorCertificateFile"] = AnchorFile,
    };

    public void Dispose()
    {
        EntityKey.Dispose();
        Directory.Delete(_directory, recursive: true);
    }
}

/// <summary>A login at a federation IdP the test plays: the proxy's AuthnRequest as the IdP receives it, and the
/// IdP's answer, signed with a key its metadata publishes.</summary>
internal static class FederationLogin
{
    /// <summary>An authorization request hinting <paramref name="entityId"/>; returns where the proxy sent the browser
    /// and the AuthnRequest it carries.</summary>
    public static async Task<(Uri SignOn, HttpRedirectMessage Request)> StartAsync(HttpClient browser, string entityId)
    {
        var request = OidcTestClient.AuthorizationRequest(OidcTestClient.NewPkce());
        request["idp_hint"] = entityId;
        using var response = await browser.GetAsync(QueryHelpers.AddQueryString("/connect/authorize", request));
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var signOn = new Uri(browser.BaseAddress!, response.Headers.Location!);
        return (signOn, HttpRedirectBinding.Decode(signOn.Query));
    }

    /// <summary>The IdP's HTTP-POST form answering <paramref name="request"/>: a signed assertion for
    /// <paramref name="subjectId"/>, encrypted to the proxy only when <paramref name="encrypt"/>.</summary>
    public static AcsForm Answer(ProxyFactory factory, HttpRedirectMessage request, string entityId, X509Certificate2 key, string subjectId,
        bool encrypt)
    {
        var serviceProvider = factory.Services.GetRequiredService<ServiceProviderSettings>();
        var xml = new SamlResponseWriter(entityId, key, TimeProvider.System).Write(new SamlResponseContent(
            serviceProvider.AssertionConsumerServiceUrl, serviceProvider.EntityId, request.Document.DocumentElement!.GetAttribute("ID"),
            "federation-name-id", "session-1", "urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport",
            [new SamlAttributeValues(SamlAttributeMap.SubjectId.Name, [subjectId])])
        {
            EncryptFor = encrypt ? serviceProvider.DecryptionCertificates[0] : null,
        });
        return new AcsForm(serviceProvider.AssertionConsumerServiceUrl, new Dictionary<string, string>
        {
            ["SAMLResponse"] = Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(xml)),
            ["RelayState"] = request.RelayState!,
        });
    }
}
