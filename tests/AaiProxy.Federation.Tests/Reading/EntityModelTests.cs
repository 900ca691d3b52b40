using AaiProxy.Federation.Generation;
using AaiProxy.Federation.Model;
using AaiProxy.Federation.Reading;
using AaiProxy.Federation.Tests.Generation;

namespace AaiProxy.Federation.Tests.Reading;

public sealed class EntityModelTests
{
    private static string RichEntity(string extra = "", string idpExtra = "", string keys = "") => $"""
        <md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" xmlns:ds="http://www.w3.org/2000/09/xmldsig#"
            xmlns:mdui="urn:oasis:names:tc:SAML:metadata:ui" xmlns:mdrpi="urn:oasis:names:tc:SAML:metadata:rpi"
            xmlns:mdattr="urn:oasis:names:tc:SAML:metadata:attribute" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion"
            xmlns:shibmd="urn:mace:shibboleth:metadata:1.0" entityID="https://idp.uni.example/idp">
          <md:Extensions>
            <mdrpi:RegistrationInfo registrationAuthority="https://www.haka.fi"/>
            <shibmd:Scope regexp="false">uni.example</shibmd:Scope>
            <mdattr:EntityAttributes>
              <saml:Attribute Name="http://macedir.org/entity-category">
                <saml:AttributeValue>http://refeds.org/category/research-and-scholarship</saml:AttributeValue>
                <saml:AttributeValue>http://refeds.org/category/hide-from-discovery</saml:AttributeValue>
              </saml:Attribute>
              <saml:Attribute Name="http://macedir.org/entity-category-support">
                <saml:AttributeValue>https://refeds.org/category/code-of-conduct/v2</saml:AttributeValue>
              </saml:Attribute>
              <saml:Attribute Name="urn:oasis:names:tc:SAML:attribute:assurance-certification">
                <saml:AttributeValue>https://refeds.org/sirtfi2</saml:AttributeValue>
              </saml:Attribute>
            </mdattr:EntityAttributes>
            {extra}
          </md:Extensions>
          <md:IDPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">
            <md:Extensions>
              <shibmd:Scope regexp="true">^.+\.uni\.example$</shibmd:Scope>
              <mdui:UIInfo>
                <mdui:DisplayName xml:lang="fi">Esimerkkiyliopisto</mdui:DisplayName>
                <mdui:DisplayName xml:lang="en">Example University</mdui:DisplayName>
                <mdui:Description xml:lang="en">Staff and students</mdui:Description>
                <mdui:Keywords xml:lang="en">example research+university</mdui:Keywords>
                <mdui:Logo width="80" height="60">https://uni.example/logo.png</mdui:Logo>
                <mdui:Logo width="wide" height="60">https://uni.example/broken.png</mdui:Logo>
                <mdui:InformationURL xml:lang="en">https://uni.example/info</mdui:InformationURL>
                <mdui:PrivacyStatementURL xml:lang="fi">https://uni.example/tietosuoja</mdui:PrivacyStatementURL>
              </mdui:UIInfo>
              <mdui:DiscoHints>
                <mdui:IPHint>192.0.2.0/24</mdui:IPHint>
                <mdui:DomainHint>uni.example</mdui:DomainHint>
                <mdui:GeolocationHint>geo:60.17,24.94</mdui:GeolocationHint>
              </mdui:DiscoHints>
              {idpExtra}
            </md:Extensions>
            {(keys.Length > 0 ? keys : Key("signing", 0) + Key("encryption", 1))}
            <md:SingleLogoutService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" Location="https://uni.example/slo"/>
            <md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" Location="https://uni.example/sso-post"/>
            <md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" Location="https://uni.example/sso"/>
          </md:IDPSSODescriptor>
        </md:EntityDescriptor>
        """;

    private static string Key(string? use, int certificate, string? base64 = null) =>
        $"""<md:KeyDescriptor{(use is null ? "" : $" use=\"{use}\"")}><ds:KeyInfo><ds:X509Data><ds:X509Certificate>{base64 ?? Convert.ToBase64String(TestCertificates.EntityCertificates[certificate].RawData)}</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor>""";

    private static FederationEntity ReadOne(string xml) => Assert.Single(Fixtures.LoadUnsigned(xml).IdentityProviders);

    [Fact]
    public void Reads_endpoints_keys_scopes_and_registration_authority()
    {
        var idp = ReadOne(RichEntity());

        Assert.Equal("https://idp.uni.example/idp", idp.EntityId);
        Assert.Equal("https://www.haka.fi", idp.RegistrationAuthority);
        Assert.Equal(["urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST", FederationUris.HttpRedirectBinding],
            idp.SingleSignOnServices.Select(e => e.Binding));
        Assert.Equal(new Uri("https://uni.example/slo"), Assert.Single(idp.SingleLogoutServices).Location);
        Assert.Equal(TestCertificates.EntityCertificates[0].Thumbprint, Assert.Single(idp.SigningCertificates).Thumbprint);
        Assert.Equal(TestCertificates.EntityCertificates[1].Thumbprint, Assert.Single(idp.EncryptionCertificates).Thumbprint);
        Assert.Equal([("uni.example", false), (@"^.+\.uni\.example$", true)], idp.Scopes.Select(s => (s.Value, s.IsRegularExpression)));
    }

    [Fact]
    public void Reads_ui_info_per_language_and_drops_a_logo_without_a_numeric_size()
    {
        var ui = ReadOne(RichEntity()).UserInterface;

        Assert.Equal([new LocalizedText("fi", "Esimerkkiyliopisto"), new LocalizedText("en", "Example University")], ui.DisplayNames);
        Assert.Equal([new LocalizedText("en", "Staff and students")], ui.Descriptions);
        Assert.Equal([new LocalizedText("en", "example research+university")], ui.Keywords);
        Assert.Equal([new MetadataLogo("https://uni.example/logo.png", 80, 60, null)], ui.Logos);
        Assert.Equal([new LocalizedText("en", "https://uni.example/info")], ui.InformationUrls);
        Assert.Equal([new LocalizedText("fi", "https://uni.example/tietosuoja")], ui.PrivacyStatementUrls);
    }

    [Fact]
    public void Reads_disco_hints_and_entity_attributes()
    {
        var idp = ReadOne(RichEntity());

        Assert.Equal(["uni.example"], idp.DiscoveryHints.DomainHints);
        Assert.Equal(["192.0.2.0/24"], idp.DiscoveryHints.IpHints);
        Assert.Equal(["geo:60.17,24.94"], idp.DiscoveryHints.GeolocationHints);
        Assert.Equal([FederationUris.ResearchAndScholarship, FederationUris.HideFromDiscovery], idp.EntityCategories);
        Assert.Equal([FederationUris.CodeOfConductV2], idp.EntityCategorySupport);
        Assert.True(idp.HasSirtfi);
        Assert.True(idp.IsHiddenFromDiscovery);
    }

    [Fact]
    public void Picks_the_display_name_in_the_asked_language_then_english_then_the_first()
    {
        var idp = ReadOne(RichEntity());

        Assert.Equal("Esimerkkiyliopisto", idp.DisplayName("fi"));
        Assert.Equal("Example University", idp.DisplayName("sv"));
        Assert.Equal("Example University", idp.DisplayName());
    }

    [Fact]
    public void Converts_to_the_service_providers_view_with_redirect_endpoints()
    {
        var metadata = ReadOne(RichEntity()).ToIdentityProviderMetadata();

        Assert.Equal("https://idp.uni.example/idp", metadata.EntityId);
        Assert.Equal(new Uri("https://uni.example/sso"), metadata.SingleSignOnServiceRedirectUrl);
        Assert.Equal(new Uri("https://uni.example/slo"), metadata.SingleLogoutServiceRedirectUrl);
        Assert.Equal("Example University", metadata.DisplayName);
        Assert.Equal(2, metadata.Scopes.Count);
        Assert.Single(metadata.SigningCertificates);
    }

    [Fact]
    public void A_key_without_use_serves_signing_and_encryption()
    {
        var idp = ReadOne(RichEntity(keys: Key(null, 2)));

        Assert.Same(Assert.Single(idp.SigningCertificates), Assert.Single(idp.EncryptionCertificates));
    }

    [Fact]
    public void Skips_an_idp_with_a_broken_certificate_and_says_why()
    {
        var document = Fixtures.LoadUnsigned(RichEntity(keys: Key("signing", 0, base64: "TUlJQ2Jyb2tlbg==")));

        Assert.Empty(document.IdentityProviders);
        var skipped = Assert.Single(document.Skipped);
        Assert.Equal("https://idp.uni.example/idp", skipped.EntityId);
        Assert.Contains("Unreadable X509Certificate", skipped.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Skips_an_idp_without_a_signing_certificate()
    {
        var skipped = Assert.Single(Fixtures.LoadUnsigned(RichEntity(keys: Key("encryption", 0))).Skipped);

        Assert.Equal("No signing certificate.", skipped.Reason);
    }

    [Fact]
    public void Skips_an_idp_without_an_http_redirect_single_sign_on_service()
    {
        var xml = RichEntity().Replace(
            """<md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" Location="https://uni.example/sso"/>""", "");

        var skipped = Assert.Single(Fixtures.LoadUnsigned(xml).Skipped);

        Assert.StartsWith("No HTTP-Redirect SingleSignOnService", skipped.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Skips_an_entity_of_an_aggregate_past_its_own_valid_until()
    {
        var expired = RichEntity().Replace("entityID=", "validUntil=\"2026-05-01T00:00:00Z\" entityID=");
        var xml = $"""<md:EntitiesDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata">{expired}{AggregateGenerator.EntityDocument(0)}</md:EntitiesDescriptor>""";

        var document = Fixtures.LoadUnsigned(xml);

        Assert.Equal(AggregateGenerator.EntityId(0), Assert.Single(document.IdentityProviders).EntityId);
        var skipped = Assert.Single(document.Skipped);

        Assert.StartsWith("The entity expired", skipped.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Counts_service_providers_without_keeping_or_reporting_them()
    {
        var document = Fixtures.LoadUnsigned(AggregateGenerator.EntityDocument(3));

        Assert.False(AggregateGenerator.IsIdentityProvider(3));
        Assert.Empty(document.IdentityProviders);
        Assert.Empty(document.Skipped);
        Assert.Equal(1, document.OtherEntities);
    }
}
