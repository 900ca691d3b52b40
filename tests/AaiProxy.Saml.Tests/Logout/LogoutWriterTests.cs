using System.Xml;
using AaiProxy.Saml.Bindings;
using AaiProxy.Saml.Logout;
using AaiProxy.Saml.Tests.Bindings;
using static AaiProxy.Saml.Tests.Logout.LogoutTestFixture;

namespace AaiProxy.Saml.Tests.Logout;

public sealed class LogoutWriterTests
{
    private readonly LogoutTestFixture _fixture = new();

    [Fact]
    public void Logout_request_repeats_the_name_id_as_received_and_is_signed_with_our_key()
    {
        var nameId = new SamlNameId("abc123", "urn:oasis:names:tc:SAML:2.0:nameid-format:persistent",
            "https://idp.example.org/idp", "https://proxy.example.org/saml/metadata");

        var sent = new LogoutRequestWriter(Settings, _fixture.Time).Write(Idp, nameId, ["_s1"], "after-logout");

        Assert.StartsWith("https://idp.example.org/slo?SAMLRequest=", sent.RedirectUrl);
        var message = HttpRedirectBinding.Decode(HttpRedirectBindingTests.QueryOf(sent.RedirectUrl));
        message.VerifySignature([SpKey.Public]);
        Assert.Equal("after-logout", message.RelayState);
        var request = message.Document.DocumentElement!;
        Assert.Equal("LogoutRequest", request.LocalName);
        Assert.Equal(sent.RequestId, request.GetAttribute("ID"));
        Assert.Equal("https://idp.example.org/slo", request.GetAttribute("Destination"));
        Assert.Equal("2026-03-01T12:00:00Z", request.GetAttribute("IssueInstant"));
        Assert.Equal("2026-03-01T12:05:00Z", request.GetAttribute("NotOnOrAfter"));
        var sentNameId = Child(request, SamlNamespaces.Assertion, "NameID");
        Assert.Equal(nameId, new SamlNameId(sentNameId.InnerText, sentNameId.GetAttribute("Format"),
            sentNameId.GetAttribute("NameQualifier"), sentNameId.GetAttribute("SPNameQualifier")));
        Assert.Equal("_s1", Child(request, SamlNamespaces.Protocol, "SessionIndex").InnerText);
        // Core 3.7.1: Issuer, then the identifier, then SessionIndex.
        Assert.Equal(["Issuer", "NameID", "SessionIndex"], request.ChildNodes.OfType<XmlElement>().Select(element => element.LocalName));
    }

    [Fact]
    public void Logout_request_omits_qualifiers_the_idp_did_not_send()
    {
        var sent = new LogoutRequestWriter(Settings, _fixture.Time).Write(Idp, new SamlNameId("abc"), [], null);

        var request = HttpRedirectBinding.Decode(HttpRedirectBindingTests.QueryOf(sent.RedirectUrl)).Document.DocumentElement!;
        Assert.Empty(Child(request, SamlNamespaces.Assertion, "NameID").Attributes.Cast<XmlAttribute>());
        Assert.Empty(request.GetElementsByTagName("SessionIndex", SamlNamespaces.Protocol).Cast<XmlNode>());
    }

    [Fact]
    public void Logout_request_is_refused_for_an_idp_without_single_logout()
    {
        Assert.Throws<InvalidOperationException>(() => new LogoutRequestWriter(Settings, _fixture.Time)
            .Write(Idp with { SingleLogoutServiceRedirectUrl = null }, new SamlNameId("abc"), [], null));
    }

    [Fact]
    public void Logout_response_answers_the_validated_request_and_returns_its_relay_state()
    {
        var request = new ValidatedLogoutRequest("_their_request", Idp, new SamlNameId("abc"), [], "their-state");

        var url = new LogoutResponseWriter(Settings, _fixture.Time).Write(request, SamlStatusCodes.Responder, SamlStatusCodes.PartialLogout);

        var message = HttpRedirectBinding.Decode(HttpRedirectBindingTests.QueryOf(url));
        Assert.Equal(SamlMessageKind.Response, message.Kind);
        message.VerifySignature([SpKey.Public]);
        Assert.Equal("their-state", message.RelayState);
        var response = message.Document.DocumentElement!;
        Assert.Equal("_their_request", response.GetAttribute("InResponseTo"));
        Assert.Equal("https://idp.example.org/slo", response.GetAttribute("Destination"));
        var statusCode = Child(Child(response, SamlNamespaces.Protocol, "Status"), SamlNamespaces.Protocol, "StatusCode");
        Assert.Equal(SamlStatusCodes.Responder, statusCode.GetAttribute("Value"));
        Assert.Equal(SamlStatusCodes.PartialLogout, Child(statusCode, SamlNamespaces.Protocol, "StatusCode").GetAttribute("Value"));
    }

    private static XmlElement Child(XmlElement parent, string ns, string name) =>
        Assert.Single(parent.ChildNodes.OfType<XmlElement>(), element => element.LocalName == name && element.NamespaceURI == ns);
}
