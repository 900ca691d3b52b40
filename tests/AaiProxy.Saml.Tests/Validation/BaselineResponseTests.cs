using AaiProxy.Saml.Attributes;
using AaiProxy.Saml.IdentityProvider;
using AaiProxy.Saml.Mapping;
using AaiProxy.Saml.Validation;
using Microsoft.Extensions.Time.Testing;

namespace AaiProxy.Saml.Tests.Validation;

public sealed class BaselineResponseTests
{
    private readonly SamlTestBed _bed = new();

    [Fact]
    public async Task Accepts_a_signed_assertion_and_returns_every_attribute_by_its_saml_name()
    {
        var result = await _bed.ValidateAsync(_bed.Write());

        Assert.Equal(SamlTestBed.IdpEntityId, result.IdentityProvider);
        Assert.Equal("k7q2m9x4@example.org", result.FirstValue(SamlAttributeMap.SubjectId.Name));
        Assert.Equal("alice@example.org", result.FirstValue(SamlAttributeMap.EduPersonPrincipalName.Name));
        Assert.Equal("alice.liddell@example.org", result.FirstValue(SamlAttributeMap.Mail.Name));
        Assert.Equal("Alice Liddell", result.FirstValue(SamlAttributeMap.DisplayName.Name));
        Assert.Equal("Alice", result.FirstValue(SamlAttributeMap.GivenName.Name));
        Assert.Equal("Liddell", result.FirstValue(SamlAttributeMap.Surname.Name));
        Assert.Equal(["member@example.org", "staff@example.org"], result.Values(SamlAttributeMap.EduPersonScopedAffiliation.Name));
        Assert.Equal("https://refeds.org/assurance/IAP/medium", result.FirstValue(SamlAttributeMap.EduPersonAssurance.Name));
        Assert.Single(result.Values(SamlAttributeMap.EduPersonEntitlement.Name));
        Assert.Equal("example.org", result.FirstValue(SamlAttributeMap.SchacHomeOrganization.Name));
        Assert.Equal("p-7f3a9c21e0", result.Session.NameId);
        Assert.Equal("https://refeds.org/profile/mfa", result.Authentication.ContextClassRef);
        Assert.Equal(_bed.Time.GetUtcNow(), result.Authentication.AuthnInstant);
        Assert.Empty(result.DroppedValues);
    }

    [Fact]
    public async Task Returns_the_session_reference_single_logout_needs()
    {
        var result = await _bed.ValidateAsync(_bed.Write());

        Assert.Equal(new SamlSessionReference(SamlTestBed.IdpEntityId, "p-7f3a9c21e0", SamlNameIdFormats.Persistent,
            SamlTestBed.IdpEntityId, SamlTestBed.SpEntityId, "_session-42"), result.Session);
    }

    [Fact]
    public async Task Accepts_a_response_whose_signature_covers_an_unsigned_assertion()
    {
        var xml = _bed.Write(SamlTestBed.Baseline() with { SignAssertion = false, SignResponse = true });

        var result = await _bed.ValidateAsync(xml);

        Assert.Equal("k7q2m9x4@example.org", result.FirstValue(SamlAttributeMap.SubjectId.Name));
    }

    [Fact]
    public async Task Accepts_a_response_with_both_response_and_assertion_signed()
    {
        var xml = _bed.Write(SamlTestBed.Baseline() with { SignResponse = true });

        var result = await _bed.ValidateAsync(xml);

        Assert.Equal("alice@example.org", result.FirstValue(SamlAttributeMap.EduPersonPrincipalName.Name));
    }

    [Fact]
    public async Task Accepts_a_response_within_the_clock_skew_before_not_before()
    {
        var fastIdpClock = new FakeTimeProvider(_bed.Time.GetUtcNow() + TimeSpan.FromMinutes(2));
        var xml = new SamlResponseWriter(SamlTestBed.IdpEntityId, TestKeys.IdpSigning, fastIdpClock).Write(SamlTestBed.Baseline());

        var result = await _bed.ValidateAsync(xml);

        Assert.Equal(SamlTestBed.IdpEntityId, result.IdentityProvider);
    }

    [Fact]
    public async Task Reports_no_authn_context_status_with_code_and_message()
    {
        var xml = _bed.Writer.WriteStatus(SamlTestBed.Acs, SamlTestBed.RequestId, SamlStatusCodes.Responder,
            SamlStatusCodes.NoAuthnContext, "MFA is not available for this account");

        var status = await Assert.ThrowsAsync<SamlStatusException>(() => _bed.ValidateAsync(xml));

        Assert.True(status.IsNoAuthnContext);
        Assert.Equal(SamlStatusCodes.Responder, status.StatusCode);
        Assert.Equal(SamlStatusCodes.NoAuthnContext, status.SecondLevelStatusCode);
        Assert.Equal("MFA is not available for this account", status.StatusMessage);
        Assert.Equal(SamlTestBed.IdpEntityId, status.Issuer);
    }

    [Fact]
    public async Task Rejects_a_success_response_without_assertion()
    {
        var xml = _bed.Writer.WriteStatus(SamlTestBed.Acs, SamlTestBed.RequestId, SamlStatusCodes.Success, null, null);

        var error = await _bed.RejectAsync(xml);

        Assert.Equal(SamlValidationError.AssertionMissing, error.Error);
    }
}
