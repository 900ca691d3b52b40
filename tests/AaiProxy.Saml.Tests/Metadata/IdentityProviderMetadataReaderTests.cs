using AaiProxy.Saml.Metadata;

namespace AaiProxy.Saml.Tests.Metadata;

public sealed class IdentityProviderMetadataReaderTests : IDisposable
{
    private readonly DirectoryInfo _work = Directory.CreateTempSubdirectory("aaiproxy-md-");

    public void Dispose() => _work.Delete(recursive: true);

    internal static string Metadata(string entityId = "https://idp.example.org/idp/shibboleth") => $"""
        <md:EntityDescriptor xmlns:md="{SamlNamespaces.Metadata}" xmlns:ds="{SamlNamespaces.XmlDsig}"
            xmlns:shibmd="{SamlNamespaces.ShibMd}" xmlns:mdui="{SamlNamespaces.MdUi}" entityID="{entityId}">
          <md:IDPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">
            <md:Extensions>
              <shibmd:Scope regexp="false">example.org</shibmd:Scope>
              <shibmd:Scope regexp="true">^.+\.example\.org$</shibmd:Scope>
              <mdui:UIInfo>
                <mdui:DisplayName xml:lang="de">Beispiel-Universität</mdui:DisplayName>
                <mdui:DisplayName xml:lang="en">Example University</mdui:DisplayName>
              </mdui:UIInfo>
            </md:Extensions>
            <md:KeyDescriptor use="signing"><ds:KeyInfo><ds:X509Data><ds:X509Certificate>
              {Convert.ToBase64String(TestKeys.IdpSigning.RawData, Base64FormattingOptions.InsertLineBreaks)}
            </ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor>
            <md:KeyDescriptor use="encryption"><ds:KeyInfo><ds:X509Data><ds:X509Certificate>
              {Convert.ToBase64String(TestKeys.Attacker.RawData)}
            </ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor>
            <md:SingleLogoutService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" Location="https://idp.example.org/idp/profile/SAML2/Redirect/SLO"/>
            <md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" Location="https://idp.example.org/idp/profile/SAML2/POST/SSO"/>
            <md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" Location="https://idp.example.org/idp/profile/SAML2/Redirect/SSO"/>
          </md:IDPSSODescriptor>
        </md:EntityDescriptor>
        """;

    [Fact]
    public void Reads_entity_id_signing_keys_endpoints_scopes_and_english_display_name()
    {
        var idp = IdentityProviderMetadataReader.Read(Metadata());

        Assert.Equal("https://idp.example.org/idp/shibboleth", idp.EntityId);
        Assert.Equal(TestKeys.IdpSigning.Thumbprint, Assert.Single(idp.SigningCertificates).Thumbprint);
        Assert.Equal(new Uri("https://idp.example.org/idp/profile/SAML2/Redirect/SSO"), idp.SingleSignOnServiceRedirectUrl);
        Assert.Equal(new Uri("https://idp.example.org/idp/profile/SAML2/Redirect/SLO"), idp.SingleLogoutServiceRedirectUrl);
        Assert.Equal([new ShibbolethScope("example.org", false), new ShibbolethScope(@"^.+\.example\.org$", true)], idp.Scopes);
        Assert.Equal("Example University", idp.DisplayName);
    }

    [Fact]
    public void Rejects_metadata_without_an_identity_provider_role()
    {
        var xml = $"<md:EntityDescriptor xmlns:md=\"{SamlNamespaces.Metadata}\" entityID=\"https://sp.example.org\"/>";

        var error = Assert.Throws<IdentityProviderMetadataException>(() => IdentityProviderMetadataReader.Read(xml));

        Assert.Contains("IDPSSODescriptor", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Provider_finds_identity_providers_read_from_files_by_entity_id()
    {
        var path = Path.Combine(_work.FullName, "idp.xml");
        await File.WriteAllTextAsync(path, Metadata());

        var provider = new InMemoryIdentityProviderMetadataProvider([IdentityProviderMetadataReader.ReadFile(path)]);

        Assert.NotNull(await provider.FindAsync("https://idp.example.org/idp/shibboleth"));
        Assert.Null(await provider.FindAsync("https://unknown.example.org"));
        Assert.Single(await provider.ListAsync());
    }

    [Fact]
    public async Task Reading_a_broken_file_names_the_file()
    {
        var path = Path.Combine(_work.FullName, "broken.xml");
        await File.WriteAllTextAsync(path, "<md:EntityDescriptor");

        var error = Assert.Throws<IdentityProviderMetadataException>(() => IdentityProviderMetadataReader.ReadFile(path));

        Assert.Contains(path, error.Message, StringComparison.Ordinal);
    }
}
