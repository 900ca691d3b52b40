using AaiProxy.Federation.Generation;
using AaiProxy.Federation.Reading;
using AaiProxy.Federation.Tests.Generation;
using AaiProxy.Federation.Trust;
using AaiProxy.Saml.Xml;

namespace AaiProxy.Federation.Tests.Trust;

public sealed class AggregateSignatureTests
{
    private static MetadataRejection RejectionOf(string xml, MetadataTrustAnchor? anchor = null) =>
        Assert.Throws<MetadataRejectedException>(() => Fixtures.Load(xml, anchor)).Reason;

    [Fact]
    public void Accepts_an_aggregate_signed_per_maps_by_the_pinned_certificate()
    {
        Assert.Equal(15, Fixtures.Load(Fixtures.Baseline).IdentityProviders.Count);
    }

    [Fact]
    public void Accepts_an_aggregate_whose_key_info_certificate_has_the_pinned_sha256_fingerprint()
    {
        var anchor = MetadataTrustAnchor.FromSha256Fingerprint(TestCertificates.Sha256Fingerprint(TestCertificates.FederationSigner));

        Assert.Equal(15, Fixtures.Load(Fixtures.Baseline, anchor).IdentityProviders.Count);
    }

    [Fact]
    public void Rejects_an_aggregate_whose_signer_has_another_fingerprint()
    {
        var anchor = MetadataTrustAnchor.FromSha256Fingerprint(TestCertificates.Sha256Fingerprint(TestCertificates.OtherSigner));

        Assert.Equal(MetadataRejection.UntrustedSigner, RejectionOf(Fixtures.Baseline, anchor));
    }

    [Fact]
    public void Rejects_an_aggregate_signed_by_another_key_than_the_pinned_certificate()
    {
        var xml = AggregateSigner.Sign(AggregateGenerator.Generate(new AggregateSpec()), TestCertificates.OtherSigner);

        Assert.Equal(MetadataRejection.SignatureInvalid, RejectionOf(xml));
    }

    [Fact]
    public void Rejects_an_aggregate_with_one_attribute_changed_after_signing()
    {
        var tampered = Fixtures.ReplaceOnce(Fixtures.Baseline,
            $"Location=\"https://idp.{AggregateGenerator.Domain(0)}/idp/profile/SAML2/Redirect/SSO\"",
            "Location=\"https://attacker.example/sso\"");

        Assert.Equal(MetadataRejection.SignatureInvalid, RejectionOf(tampered));
    }

    [Fact]
    public void A_broken_signature_is_the_reason_given_even_when_the_document_is_also_expired()
    {
        // The signature check and the reading run side by side: the signature's verdict must still win.
        var tampered = Fixtures.ReplaceOnce(Fixtures.Baseline, "validUntil=\"2026-06-15T12:00:00Z\"", "validUntil=\"2020-01-01T00:00:00Z\"");

        Assert.Equal(MetadataRejection.SignatureInvalid, RejectionOf(tampered));
        Assert.Equal(MetadataRejection.Expired, Assert.Throws<MetadataRejectedException>(() => Fixtures.LoadUnsigned(tampered)).Reason);
    }

    [Fact]
    public void Rejects_an_unsigned_aggregate()
    {
        Assert.Equal(MetadataRejection.SignatureMissing, RejectionOf(AggregateGenerator.Generate(new AggregateSpec())));
    }

    public static TheoryData<string, SigningProfile, MetadataRejection> NonMapsProfiles => new()
    {
        { "SHA-1 digest", SigningProfile.Maps with { DigestMethod = XmlSecurityAlgorithms.Sha1 }, MetadataRejection.SignatureAlgorithmNotAllowed },
        { "RSA-SHA1 signature", SigningProfile.Maps with { SignatureMethod = XmlSecurityAlgorithms.RsaSha1 }, MetadataRejection.SignatureAlgorithmNotAllowed },
        { "inclusive c14n", SigningProfile.Maps with { Canonicalization = "http://www.w3.org/TR/2001/REC-xml-c14n-20010315" }, MetadataRejection.SignatureTransformNotAllowed },
        { "whole-document reference", SigningProfile.Maps with { ReferenceUri = "" }, MetadataRejection.SignatureReferenceMismatch },
    };

    [Theory]
    [MemberData(nameof(NonMapsProfiles))]
    public void Rejects_an_aggregate_signed_outside_the_maps_profile(string deviation, SigningProfile profile, MetadataRejection expected)
    {
        var rejection = RejectionOf(Fixtures.SignedAggregate(new AggregateSpec(), profile));

        Assert.True(rejection == expected, $"{deviation}: expected {expected}, got {rejection}");
    }

    [Fact]
    public void Rejects_a_signature_that_references_an_entity_instead_of_the_document_element()
    {
        var xml = Fixtures.SignedAggregate(new AggregateSpec { FirstEntityHasId = true }, SigningProfile.Maps with { ReferenceUri = "#_first-entity" });

        Assert.Equal(MetadataRejection.SignatureReferenceMismatch, RejectionOf(xml));
    }

    [Fact]
    public void Rejects_an_aggregate_whose_signed_id_also_names_an_entity()
    {
        // Signature wrapping: a second element with the signed ID must never be a candidate.
        var xml = Fixtures.ReplaceOnce(Fixtures.Baseline, $"entityID=\"{AggregateGenerator.EntityId(1)}\"",
            $"ID=\"{new AggregateSpec().Id}\" entityID=\"{AggregateGenerator.EntityId(1)}\"");

        Assert.Equal(MetadataRejection.DuplicateId, RejectionOf(xml));
    }

    [Fact]
    public void Rejects_an_aggregate_signed_with_an_rsa_key_below_2048_bits()
    {
        var xml = AggregateSigner.Sign(AggregateGenerator.Generate(new AggregateSpec()), TestCertificates.WeakSigner);
        var anchor = MetadataTrustAnchor.FromCertificate(TestCertificates.PublicPart(TestCertificates.WeakSigner));

        Assert.Equal(MetadataRejection.KeyTooWeak, RejectionOf(xml, anchor));
    }

    [Fact]
    public void Rejects_a_fingerprint_that_is_not_sha256()
    {
        Assert.Throws<ArgumentException>(() => MetadataTrustAnchor.FromSha256Fingerprint("AB:CD"));
    }

    [Fact]
    public void Accepts_a_signature_whose_ds_prefix_is_declared_only_on_the_document_element()
    {
        // eduGAIN's layout: xmlns:ds on the EntitiesDescriptor, none on the Signature or SignedInfo.
        const string Declaration = " xmlns:ds=\"http://www.w3.org/2000/09/xmldsig#\"";
        var signed = TransformSigner.Sign(AggregateGenerator.Generate(new AggregateSpec()), TestCertificates.FederationSigner);
        var xml = Fixtures.ReplaceOnce(Fixtures.ReplaceOnce(signed, "<ds:Signature" + Declaration, "<ds:Signature"),
            "<ds:SignedInfo" + Declaration, "<ds:SignedInfo");

        Assert.Equal(15, Fixtures.Load(xml).IdentityProviders.Count);
    }

    [Fact]
    public void Accepts_an_aggregate_signed_with_ecdsa_p256()
    {
        var xml = TransformSigner.Sign(AggregateGenerator.Generate(new AggregateSpec()), TestCertificates.EcSigner);
        var anchor = MetadataTrustAnchor.FromCertificate(TestCertificates.PublicPart(TestCertificates.EcSigner));

        Assert.Equal(15, Fixtures.Load(xml, anchor).IdentityProviders.Count);
    }

    [Fact]
    public void Rejects_an_ecdsa_signature_whose_value_was_changed()
    {
        var xml = TransformSigner.Sign(AggregateGenerator.Generate(new AggregateSpec()), TestCertificates.EcSigner);
        var anchor = MetadataTrustAnchor.FromCertificate(TestCertificates.PublicPart(TestCertificates.EcSigner));
        var value = xml[(xml.IndexOf("<ds:SignatureValue>", StringComparison.Ordinal) + "<ds:SignatureValue>".Length)..][..4];

        var tampered = Fixtures.ReplaceOnce(xml, "<ds:SignatureValue>" + value, "<ds:SignatureValue>" + (value == "AAAA" ? "BBBB" : "AAAA"));

        Assert.Equal(MetadataRejection.SignatureInvalid, RejectionOf(tampered, anchor));
    }

    [Fact]
    public void Rejects_an_ecdsa_signature_method_with_an_rsa_signer()
    {
        var xml = Fixtures.ReplaceOnce(Fixtures.Baseline, XmlSecurityAlgorithms.RsaSha256, "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256");

        Assert.Equal(MetadataRejection.KeyTooWeak, RejectionOf(xml));
    }
}
