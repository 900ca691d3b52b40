using AaiProxy.Saml.Xml;
using AaiProxy.Saml.Attributes;
using AaiProxy.Saml.IdentityProvider;
using AaiProxy.Saml.Mapping;
using AaiProxy.Saml.Metadata;
using AaiProxy.Saml.Validation;

namespace AaiProxy.Saml.Tests.Validation;

public sealed class ResponseContentRuleTests
{
    private readonly SamlTestBed _bed = new();

    [Fact]
    public async Task Rejects_response_from_an_issuer_missing_from_metadata()
    {
        var stranger = new SamlResponseWriter("https://idp.evil.example/idp", TestKeys.IdpSigning, _bed.Time);

        var error = await _bed.RejectAsync(stranger.Write(SamlTestBed.Baseline()));

        Assert.Equal(SamlValidationError.UnknownIssuer, error.Error);
    }

    [Fact]
    public async Task Rejects_assertion_issued_in_the_name_of_another_identity_provider()
    {
        // A known IdP's key signs an assertion whose Issuer names another IdP; the unsigned Response
        // claims to come from the signer so that the right key is picked.
        var impostor = new SamlResponseWriter("https://idp.other.example/idp", TestKeys.IdpSigning, _bed.Time);
        var document = SamlTestBed.Load(impostor.Write(SamlTestBed.Baseline()));
        document.Response().Single("saml:Issuer").InnerText = SamlTestBed.IdpEntityId;

        var error = await _bed.RejectAsync(document);

        Assert.Equal(SamlValidationError.IssuerMismatch, error.Error);
    }

    [Fact]
    public async Task Rejects_a_trusted_identity_providers_response_when_the_request_went_to_another()
    {
        var xml = Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(_bed.Write()));

        var error = await Assert.ThrowsAsync<SamlValidationException>(() => _bed.Validator().ValidateAsync(xml,
            new SamlResponseExpectations(SamlTestBed.RequestId, "https://idp.other.example/idp", [])));

        Assert.Equal(SamlValidationError.IssuerNotRequested, error.Error);
    }

    [Fact]
    public async Task Accepts_an_assertion_stating_one_of_the_requested_context_classes()
    {
        var xml = Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(_bed.Write()));

        var result = await _bed.Validator().ValidateAsync(xml,
            SamlTestBed.Expect(SamlTestBed.RequestId, "https://refeds.org/profile/sfa", "https://refeds.org/profile/mfa"));

        Assert.Equal("https://refeds.org/profile/mfa", result.Authentication.ContextClassRef);
    }

    [Fact]
    public async Task Rejects_an_assertion_stating_a_context_class_other_than_the_requested_ones()
    {
        var xml = Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(
            _bed.Write(SamlTestBed.Baseline() with { AuthnContextClassRef = "urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport" })));

        var error = await Assert.ThrowsAsync<SamlValidationException>(() => _bed.Validator().ValidateAsync(xml,
            SamlTestBed.Expect(SamlTestBed.RequestId, "https://refeds.org/profile/mfa")));

        Assert.Equal(SamlValidationError.AuthnContextNotMet, error.Error);
    }

    [Fact]
    public async Task Rejects_assertion_for_another_audience()
    {
        var xml = _bed.Write(SamlTestBed.Baseline() with { Audience = "https://other-sp.example.org/shibboleth" });

        var error = await _bed.RejectAsync(xml);

        Assert.Equal(SamlValidationError.AudienceMismatch, error.Error);
    }

    [Fact]
    public async Task Rejects_response_addressed_to_another_destination()
    {
        var document = _bed.WriteDocument();
        document.Response().SetAttribute("Destination", "https://other-sp.example.org/Shibboleth.sso/SAML2/POST");

        var error = await _bed.RejectAsync(document);

        Assert.Equal(SamlValidationError.DestinationMismatch, error.Error);
    }

    [Fact]
    public async Task Rejects_signed_response_without_destination()
    {
        // Bindings 3.5.5.2: the IdP itself signed a response without saying where it was meant to go.
        var document = _bed.WriteDocument();
        var response = document.Response();
        response.RemoveAttribute("Destination");
        EnvelopedSigner.Sign(response, TestKeys.IdpSigning);

        var error = await _bed.RejectAsync(document);

        Assert.Equal(SamlValidationError.DestinationMissing, error.Error);
    }

    [Fact]
    public async Task Rejects_bearer_confirmation_for_another_recipient()
    {
        var document = _bed.WriteDocument(SamlTestBed.Baseline() with { Destination = new Uri("https://other-sp.example.org/acs") });
        document.Response().RemoveAttribute("Destination");

        var error = await _bed.RejectAsync(document);

        Assert.Equal(SamlValidationError.RecipientMismatch, error.Error);
    }

    [Fact]
    public async Task Rejects_expired_assertion()
    {
        var xml = _bed.Write();
        _bed.Time.Advance(TimeSpan.FromMinutes(5) + _bed.Options.ClockSkew);

        var error = await _bed.RejectAsync(xml);

        Assert.Equal(SamlValidationError.AssertionExpired, error.Error);
    }

    [Fact]
    public async Task Rejects_assertion_not_yet_valid()
    {
        var futureIdpClock = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(_bed.Time.GetUtcNow() + TimeSpan.FromMinutes(10));
        var xml = new SamlResponseWriter(SamlTestBed.IdpEntityId, TestKeys.IdpSigning, futureIdpClock).Write(SamlTestBed.Baseline());

        var error = await _bed.RejectAsync(xml);

        Assert.Equal(SamlValidationError.AssertionNotYetValid, error.Error);
    }

    [Fact]
    public async Task Rejects_an_authn_instant_in_the_future_beyond_the_clock_skew()
    {
        var xml = _bed.Write(SamlTestBed.Baseline() with { AuthnInstant = _bed.Time.GetUtcNow() + _bed.Options.ClockSkew + TimeSpan.FromSeconds(1) });

        var error = await _bed.RejectAsync(xml);

        Assert.Equal(SamlValidationError.AuthnInstantInFuture, error.Error);
    }

    [Fact]
    public async Task Accepts_an_authn_instant_in_the_future_within_the_clock_skew()
    {
        var authnInstant = _bed.Time.GetUtcNow() + _bed.Options.ClockSkew;
        var xml = _bed.Write(SamlTestBed.Baseline() with { AuthnInstant = authnInstant });

        var result = await _bed.ValidateAsync(xml);

        Assert.Equal(authnInstant, result.Authentication.AuthnInstant);
    }

    [Fact]
    public async Task Rejects_replayed_assertion()
    {
        var xml = _bed.Write();
        await _bed.ValidateAsync(xml);

        var error = await _bed.RejectAsync(xml);

        Assert.Equal(SamlValidationError.Replayed, error.Error);
    }

    [Fact]
    public async Task Rejects_unsolicited_response_by_default()
    {
        var xml = _bed.Write(SamlTestBed.Baseline() with { InResponseTo = null });

        var error = await _bed.RejectAsync(xml, expectedInResponseTo: null);

        Assert.Equal(SamlValidationError.UnsolicitedResponseNotAllowed, error.Error);
    }

    [Fact]
    public async Task Accepts_unsolicited_response_from_an_identity_provider_allowed_to_send_it()
    {
        _bed.Options = new SamlValidationOptions
        {
            Policies = new Dictionary<string, IdentityProviderPolicy> { [SamlTestBed.IdpEntityId] = new(AllowUnsolicitedResponses: true) },
        };
        var xml = _bed.Write(SamlTestBed.Baseline() with { InResponseTo = null });

        var result = await _bed.ValidateAsync(xml, expectedInResponseTo: null);

        Assert.Equal(SamlTestBed.IdpEntityId, result.IdentityProvider);
    }

    [Fact]
    public async Task Rejects_response_to_a_request_of_another_browser_when_this_browser_has_none()
    {
        var error = await _bed.RejectAsync(_bed.Write(), expectedInResponseTo: null);

        Assert.Equal(SamlValidationError.UnexpectedInResponseTo, error.Error);
    }

    [Fact]
    public async Task Rejects_response_to_a_different_request_than_this_browsers()
    {
        var error = await _bed.RejectAsync(_bed.Write(), expectedInResponseTo: "_another-request");

        Assert.Equal(SamlValidationError.InResponseToMismatch, error.Error);
    }

    [Fact]
    public async Task Drops_out_of_scope_principal_name_and_reports_it()
    {
        var content = SamlTestBed.Baseline() with
        {
            Attributes =
            [
                new(SamlAttributeMap.SubjectId.Name, ["k7q2m9x4@example.org"]),
                new(SamlAttributeMap.EduPersonPrincipalName.Name, ["alice@evil.example"]),
                new(SamlAttributeMap.EduPersonScopedAffiliation.Name, ["member@example.org", "faculty@evil.example"]),
            ],
        };

        var result = await _bed.ValidateAsync(_bed.Write(content));

        Assert.Empty(result.Values(SamlAttributeMap.EduPersonPrincipalName.Name));
        Assert.Equal(["member@example.org"], result.Values(SamlAttributeMap.EduPersonScopedAffiliation.Name));
        Assert.Equal(["alice@evil.example", "faculty@evil.example"], result.DroppedValues.Select(d => d.Value));
        Assert.Equal(SamlAttributeMap.EduPersonPrincipalName.Name, result.DroppedValues[0].AttributeName);
    }

    [Fact]
    public async Task Accepts_scoped_values_matching_a_regular_expression_scope_in_full_only()
    {
        var content = SamlTestBed.Baseline() with
        {
            Attributes =
            [
                new(SamlAttributeMap.EduPersonPrincipalName.Name, ["bob@physics.example.ac.uk"]),
                new(SamlAttributeMap.EduPersonScopedAffiliation.Name, ["member@physics.example.ac.uk.evil.example"]),
            ],
        };

        var result = await _bed.ValidateAsync(_bed.Write(content));

        Assert.Equal("bob@physics.example.ac.uk", result.FirstValue(SamlAttributeMap.EduPersonPrincipalName.Name));
        Assert.Single(result.DroppedValues);
    }

    // The baseline's subject-id and one value of the attribute under test.
    private Task<SamlLoginResult> ValidateWithSubjectAnd(Attributes.SamlAttribute attribute, string value) =>
        _bed.ValidateAsync(_bed.Write(SamlTestBed.Baseline() with
        {
            Attributes = [new(SamlAttributeMap.SubjectId.Name, ["k7q2m9x4@example.org"]), new(attribute.Name, [value])],
        }));

    // Shibboleth's scope check applies to the part after the single '@'; with two, the value is refused.
    [Theory]
    [InlineData("alice@evil.example@example.org")]
    [InlineData("alice@example.org@example.org")]
    public async Task Drops_a_scoped_value_with_more_than_one_at_sign(string principalName)
    {
        var result = await ValidateWithSubjectAnd(SamlAttributeMap.EduPersonPrincipalName, principalName);

        Assert.Empty(result.Values(SamlAttributeMap.EduPersonPrincipalName.Name));
        var dropped = Assert.Single(result.DroppedValues);
        Assert.Equal(principalName, dropped.Value);
        Assert.Contains("more than one '@'", dropped.Reason, StringComparison.Ordinal);
    }

    // .NET's '$' also matches before a final newline; a scope pattern must match the whole scope.
    [Fact]
    public async Task Drops_a_scoped_value_whose_scope_matches_a_pattern_only_before_a_trailing_newline()
    {
        var result = await ValidateWithSubjectAnd(SamlAttributeMap.EduPersonScopedAffiliation, "member@physics.example.ac.uk\n");

        Assert.Empty(result.Values(SamlAttributeMap.EduPersonScopedAffiliation.Name));
        Assert.Equal(["member@physics.example.ac.uk\n"], result.DroppedValues.Select(d => d.Value));
    }

    [Theory]
    [InlineData("example.org", true)]
    [InlineData("EXAMPLE.org", true)]
    [InlineData("physics.example.ac.uk", true)]
    [InlineData("evil.example", false)]
    [InlineData("example.org\n", false)]
    [InlineData("alice@example.org", false)]
    public async Task Checks_schac_home_organization_as_a_whole_against_the_scopes(string homeOrganization, bool accepted)
    {
        var result = await ValidateWithSubjectAnd(SamlAttributeMap.SchacHomeOrganization, homeOrganization);

        Assert.Equal(accepted ? [homeOrganization] : [], result.Values(SamlAttributeMap.SchacHomeOrganization.Name));
        Assert.Equal(accepted ? [] : [homeOrganization], result.DroppedValues.Select(d => d.Value));
    }

    [Fact]
    public async Task Returns_subject_id_exactly_as_sent()
    {
        var content = SamlTestBed.Baseline() with
        {
            Attributes = [new(SamlAttributeMap.SubjectId.Name, ["Alice.Liddell@Example.ORG"])],
        };

        var result = await _bed.ValidateAsync(_bed.Write(content));

        Assert.Equal("Alice.Liddell@Example.ORG", result.FirstValue(SamlAttributeMap.SubjectId.Name));
    }

    [Fact]
    public async Task Maps_targeted_id_given_as_name_id_to_its_qualified_form()
    {
        var document = _bed.WriteDocument(SamlTestBed.Baseline() with
        {
            NameIdFormat = SamlNameIdFormats.Transient,
            Attributes = [new(SamlAttributeMap.EduPersonTargetedId.Name, ["placeholder"])],
            SignAssertion = false,
            SignResponse = false,
        });
        var value = document.Assertion().AttributeValue(SamlAttributeMap.EduPersonTargetedId.Name);
        value.RemoveAll();
        var nameId = document.CreateElement("saml", "NameID", SamlNamespaces.Assertion);
        nameId.SetAttribute("Format", SamlNameIdFormats.Persistent);
        nameId.InnerText = "tid-1234";
        value.AppendChild(nameId);
        EnvelopedSigner.Sign(document.Assertion(), TestKeys.IdpSigning);

        var result = await _bed.ValidateAsync(document);

        Assert.Equal($"{SamlTestBed.IdpEntityId}!{SamlTestBed.SpEntityId}!tid-1234", result.FirstValue(SamlAttributeMap.EduPersonTargetedId.Name));
    }
}
