using AaiProxy.Saml.IdentityProvider;
using AaiProxy.Saml.Validation;

namespace AaiProxy.Saml.Tests.Validation;

/// <summary>
/// A non-Success status needs no signature (Core 3.2.2.2), so its text is the sender's word; the
/// library says whether it was the IdP's: signed with its metadata keys and answering our request.
/// </summary>
public sealed class StatusResponseTests
{
    private const string AttackerText = "Your account is locked. Call +1 555 0100 to unlock it.";
    private readonly SamlTestBed _bed = new();

    private string Status(string? inResponseTo = SamlTestBed.RequestId, SamlResponseWriter? writer = null) =>
        (writer ?? _bed.Writer).WriteStatus(SamlTestBed.Acs, inResponseTo, SamlStatusCodes.Responder, SamlStatusCodes.NoAuthnContext,
            AttackerText);

    private Task<SamlStatusException> RefusedAsync(string xml) =>
        Assert.ThrowsAsync<SamlStatusException>(() => _bed.ValidateAsync(xml));

    [Fact]
    public async Task Marks_a_signed_status_answering_our_request_as_authenticated()
    {
        var status = await RefusedAsync(Status());

        Assert.True(status.Authenticated);
        Assert.Equal(AttackerText, status.StatusMessage);
    }

    [Fact]
    public async Task Marks_an_unsigned_status_as_not_authenticated()
    {
        var document = SamlTestBed.Load(Status());
        document.Response().RemoveChild(document.Response().SignatureOf());

        var status = await RefusedAsync(document.OuterXml);

        Assert.False(status.Authenticated);
        Assert.Equal(AttackerText, status.StatusMessage);
    }

    [Fact]
    public async Task Marks_a_signed_status_answering_another_request_as_not_authenticated()
    {
        var status = await RefusedAsync(Status(inResponseTo: "_request-of-another-browser"));

        Assert.False(status.Authenticated);
    }

    [Fact]
    public async Task Marks_a_status_answering_no_request_as_not_authenticated()
    {
        var status = await RefusedAsync(Status(inResponseTo: null));

        Assert.False(status.Authenticated);
    }

    // Documented choice: a signature that does not verify makes the status untrusted, not a
    // SignatureInvalid failure; the person still learns that the sign-in did not happen.
    [Fact]
    public async Task Marks_a_status_signed_with_a_key_not_in_metadata_as_not_authenticated()
    {
        var status = await RefusedAsync(Status(writer: new SamlResponseWriter(SamlTestBed.IdpEntityId, TestKeys.Attacker, _bed.Time)));

        Assert.False(status.Authenticated);
    }
}
