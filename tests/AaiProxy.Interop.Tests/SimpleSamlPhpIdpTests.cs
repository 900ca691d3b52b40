using System.Security.Cryptography.X509Certificates;
using System.Security.Cryptography.Xml;
using System.Xml;
using AaiProxy.Interop.Tests.Harness;
using AaiProxy.Saml;
using AaiProxy.Saml.Xml;

namespace AaiProxy.Interop.Tests;

/// <summary>The harness alone: SimpleSAMLphp as our peer scripts configure it.</summary>
public sealed class SimpleSamlPhpIdpTests(ITestOutputHelper output)
{
    [SkippableFact]
    public async Task SimpleSAMLphp_publishes_signed_idp_metadata()
    {
        var directory = Path.Combine(Path.GetTempPath(), $"aaiproxy-interop-{Guid.NewGuid():N}");
        await using (var idp = await SimpleSamlPhpIdp.StartAsync(output, directory, AssertionProtection.Signed))
        {
            using var http = new HttpClient();
            var served = await http.GetStringAsync(idp.MetadataUrl);
            var metadata = SafeXml.Load(served, SafeXmlLimits.EntityMetadata);
            var namespaces = new XmlNamespaceManager(metadata.NameTable);
            namespaces.AddNamespace("md", SamlNamespaces.Metadata);
            namespaces.AddNamespace("ds", SamlNamespaces.XmlDsig);
            namespaces.AddNamespace("shibmd", SamlNamespaces.ShibMd);

            var entity = metadata.DocumentElement!;
            Assert.Equal("EntityDescriptor", entity.LocalName);
            Assert.Equal(idp.EntityId, entity.GetAttribute("entityID"));
            var idpDescriptor = entity.SelectSingleNode("md:IDPSSODescriptor", namespaces);
            Assert.NotNull(idpDescriptor);
            Assert.Equal(SimpleSamlPhpIdp.Scope, idpDescriptor.SelectSingleNode("md:Extensions/shibmd:Scope", namespaces)?.InnerText);
            Assert.NotNull(idpDescriptor.SelectSingleNode(
                "md:SingleSignOnService[@Binding='urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect']", namespaces));

            // The signing certificate published is the key the script generated for the IdP ...
            var published = idpDescriptor.SelectSingleNode("md:KeyDescriptor[@use='signing']/ds:KeyInfo/ds:X509Data/ds:X509Certificate", namespaces);
            Assert.NotNull(published);
            using var signingCertificate = X509CertificateLoader.LoadCertificate(Convert.FromBase64String(published.InnerText));
            using var generated = X509Certificate2.CreateFromPem(await File.ReadAllTextAsync(idp.SigningCertificateFile));
            Assert.Equal(generated.Thumbprint, signingCertificate.Thumbprint);

            // ... and the metadata document is signed with it, over the whole EntityDescriptor.
            var signature = entity.SelectSingleNode("ds:Signature", namespaces) as XmlElement;
            Assert.NotNull(signature);
            var signedXml = new SignedXml(entity);
            signedXml.LoadXml(signature);
            Assert.Equal("#" + entity.GetAttribute("ID"), Assert.Single(signedXml.SignedInfo!.References.Cast<Reference>()).Uri);
            Assert.True(signedXml.CheckSignature(generated, verifySignatureOnly: true));

            // The file the proxy is configured to read describes the same IdP with the same key
            // (SimpleSAMLphp signs afresh, with a new document ID, on every request).
            var saved = SafeXml.Load(await File.ReadAllTextAsync(idp.MetadataFile), SafeXmlLimits.EntityMetadata);
            Assert.Equal(idp.EntityId, saved.DocumentElement!.GetAttribute("entityID"));
            Assert.Contains(published.InnerText, saved.OuterXml, StringComparison.Ordinal);
        }

        Directory.Delete(directory, recursive: true);
    }
}
