using System.Xml;
using AaiProxy.Saml.Bindings;
using AaiProxy.Saml.Metadata;
using AaiProxy.Saml.Requests;
using AaiProxy.Saml.Tests.Bindings;
using Microsoft.Extensions.Time.Testing;

namespace AaiProxy.Saml.Tests.Requests;

public sealed class AuthnRequestWriterTests
{
    private static readonly TestKeyPair SpKey = new("sp.example.org");
    private static readonly ServiceProviderSettings Settings = new(
        "https://proxy.example.org/saml/metadata",
        new Uri("https://proxy.example.org/saml/acs"),
        new Uri("https://proxy.example.org/saml/slo"),
        SpKey.WithPrivateKey,
        []);

    private static readonly IdentityProviderMetadata Idp = new(
        "https://idp.example.org/idp", [], new Uri("https://idp.example.org/sso"), null, [], "Example IdP");

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero));

    [Fact]
    public void Writes_a_signed_authn_request_to_the_idp_for_our_acs()
    {
        var sent = new AuthnRequestWriter(Settings, _time).Write(Idp, new AuthnRequestOptions { RelayState = "r1" });

        Assert.StartsWith("https://idp.example.org/sso?SAMLRequest=", sent.RedirectUrl);
        var message = HttpRedirectBinding.Decode(HttpRedirectBindingTests.QueryOf(sent.RedirectUrl));
        message.VerifySignature([SpKey.Public]);
        Assert.Equal("r1", message.RelayState);

        var request = message.Document.DocumentElement!;
        Assert.Equal(("AuthnRequest", SamlNamespaces.Protocol), (request.LocalName, request.NamespaceURI));
        Assert.Equal(sent.RequestId, request.GetAttribute("ID"));
        Assert.Matches("^_[0-9a-f]{32}$", sent.RequestId);
        Assert.Equal("2.0", request.GetAttribute("Version"));
        Assert.Equal("2026-03-01T12:00:00Z", request.GetAttribute("IssueInstant"));
        Assert.Equal(_time.GetUtcNow(), sent.IssueInstant);
        Assert.Equal("https://idp.example.org/sso", request.GetAttribute("Destination"));
        Assert.Equal("https://proxy.example.org/saml/acs", request.GetAttribute("AssertionConsumerServiceURL"));
        Assert.Equal("urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST", request.GetAttribute("ProtocolBinding"));
        Assert.False(request.HasAttribute("ForceAuthn"));
        Assert.Equal("https://proxy.example.org/saml/metadata", Child(request, SamlNamespaces.Assertion, "Issuer").InnerText);
        var policy = Child(request, SamlNamespaces.Protocol, "NameIDPolicy");
        Assert.Equal("true", policy.GetAttribute("AllowCreate"));
        Assert.False(policy.HasAttribute("Format"));
        Assert.Empty(request.GetElementsByTagName("RequestedAuthnContext", SamlNamespaces.Protocol));
    }

    [Fact]
    public void Every_request_gets_a_fresh_id()
    {
        var writer = new AuthnRequestWriter(Settings, _time);

        Assert.NotEqual(writer.Write(Idp, new AuthnRequestOptions()).RequestId, writer.Write(Idp, new AuthnRequestOptions()).RequestId);
    }

    [Fact]
    public void Asks_for_refeds_mfa_and_fresh_authentication_when_requested()
    {
        var options = new AuthnRequestOptions
        {
            ForceAuthn = true,
            NameIdFormat = "urn:oasis:names:tc:SAML:2.0:nameid-format:persistent",
            RequestedAuthnContext = new RequestedAuthnContext([RequestedAuthnContext.RefedsMfa], AuthnContextComparison.Minimum),
        };

        var request = Decode(new AuthnRequestWriter(Settings, _time).Write(Idp, options));

        Assert.Equal("true", request.GetAttribute("ForceAuthn"));
        Assert.Equal("urn:oasis:names:tc:SAML:2.0:nameid-format:persistent",
            Child(request, SamlNamespaces.Protocol, "NameIDPolicy").GetAttribute("Format"));
        var context = Child(request, SamlNamespaces.Protocol, "RequestedAuthnContext");
        Assert.Equal("minimum", context.GetAttribute("Comparison"));
        Assert.Equal(["https://refeds.org/profile/mfa"],
            context.ChildNodes.OfType<XmlElement>().Select(element => element.InnerText));
        // Core 3.4.1: NameIDPolicy precedes RequestedAuthnContext.
        Assert.Equal(["Issuer", "NameIDPolicy", "RequestedAuthnContext"],
            request.ChildNodes.OfType<XmlElement>().Select(element => element.LocalName));
    }

    [Fact]
    public void Exact_comparison_is_the_default_for_requested_authn_context()
    {
        var options = new AuthnRequestOptions
        {
            RequestedAuthnContext = new RequestedAuthnContext([RequestedAuthnContext.RefedsMfa, RequestedAuthnContext.RefedsSfa]),
        };

        var context = Child(Decode(new AuthnRequestWriter(Settings, _time).Write(Idp, options)), SamlNamespaces.Protocol, "RequestedAuthnContext");

        Assert.Equal("exact", context.GetAttribute("Comparison"));
        Assert.Equal(2, context.ChildNodes.Count);
    }

    [Fact]
    public void Unsigned_requests_when_signing_is_off()
    {
        var sent = new AuthnRequestWriter(Settings, _time, signRequests: false).Write(Idp, new AuthnRequestOptions());

        Assert.False(HttpRedirectBinding.Decode(HttpRedirectBindingTests.QueryOf(sent.RedirectUrl)).IsSigned);
    }

    private static XmlElement Decode(OutgoingRedirect sent) =>
        HttpRedirectBinding.Decode(HttpRedirectBindingTests.QueryOf(sent.RedirectUrl)).Document.DocumentElement!;

    private static XmlElement Child(XmlElement parent, string ns, string name) =>
        Assert.Single(parent.ChildNodes.OfType<XmlElement>(), element => element.LocalName == name && element.NamespaceURI == ns);
}
