using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using AaiProxy.Saml.Bindings;
using AaiProxy.Saml.Xml;

namespace AaiProxy.Saml.Tests.Bindings;

public sealed class HttpRedirectBindingTests
{
    private const string Message =
        "<samlp:LogoutRequest xmlns:samlp=\"urn:oasis:names:tc:SAML:2.0:protocol\" ID=\"_abc\" Version=\"2.0\">" +
        "<saml:Issuer xmlns:saml=\"urn:oasis:names:tc:SAML:2.0:assertion\">https://sp.example.org/</saml:Issuer>" +
        "</samlp:LogoutRequest>";

    private static readonly Uri Destination = new("https://idp.example.org/slo");
    private static readonly TestKeyPair Signer = new("signer.example.org");
    private static readonly TestKeyPair Other = new("other.example.org");

    [Fact]
    public void Unsigned_message_round_trips_with_relay_state()
    {
        var url = HttpRedirectBinding.Encode(Destination, SamlMessageKind.Request, Message, "state +&/=é", signingCertificate: null);

        var message = HttpRedirectBinding.Decode(QueryOf(url));

        Assert.Equal(SamlMessageKind.Request, message.Kind);
        Assert.Equal("_abc", message.Document.DocumentElement!.GetAttribute("ID"));
        Assert.Equal("state +&/=é", message.RelayState);
        Assert.False(message.IsSigned);
    }

    [Fact]
    public void Signed_message_verifies_with_the_signers_public_certificate()
    {
        var url = HttpRedirectBinding.Encode(Destination, SamlMessageKind.Response, Message, "relay", Signer.WithPrivateKey);

        var message = HttpRedirectBinding.Decode(QueryOf(url));

        Assert.Equal(SamlMessageKind.Response, message.Kind);
        Assert.Equal(RedirectSignatureAlgorithms.RsaSha256, message.SignatureAlgorithm);
        message.VerifySignature([Other.Public, Signer.Public]);
    }

    [Fact]
    public void Encoded_url_keeps_the_destinations_own_query_parameters()
    {
        var url = HttpRedirectBinding.Encode(new Uri("https://idp.example.org/sso?tenant=a%20b"), SamlMessageKind.Request,
            Message, null, Signer.WithPrivateKey);

        Assert.StartsWith("https://idp.example.org/sso?tenant=a%20b&SAMLRequest=", url);
        HttpRedirectBinding.Decode(QueryOf(url)).VerifySignature([Signer.Public]);
    }

    [Fact]
    public void Signature_covers_parameters_exactly_as_received_not_as_re_encoded()
    {
        // A peer may percent-encode with lower-case hex; the signature is over its octets, not ours.
        var url = HttpRedirectBinding.Encode(Destination, SamlMessageKind.Request, Message, "a/b", signingCertificate: null);
        var query = QueryOf(url).Replace("%2F", "%2f", StringComparison.Ordinal);
        var sigAlg = "SigAlg=" + Uri.EscapeDataString(RedirectSignatureAlgorithms.RsaSha256).ToLowerInvariant();
        var signedText = query + "&" + sigAlg;
        var signature = Signer.Sign(signedText, HashAlgorithmName.SHA256);

        var message = HttpRedirectBinding.Decode(signedText + "&Signature=" + Uri.EscapeDataString(Convert.ToBase64String(signature)));

        message.VerifySignature([Signer.Public]);
        Assert.Equal("a/b", message.RelayState);
    }

    [Fact]
    public void Rejects_signature_when_relay_state_was_tampered_with()
    {
        var url = HttpRedirectBinding.Encode(Destination, SamlMessageKind.Request, Message, "original", Signer.WithPrivateKey);
        var tampered = QueryOf(url).Replace("RelayState=original", "RelayState=changed", StringComparison.Ordinal);

        var error = Assert.Throws<SamlBindingException>(() =>
            HttpRedirectBinding.Decode(tampered).VerifySignature([Signer.Public]));

        Assert.Equal(SamlBindingError.InvalidSignature, error.Error);
    }

    [Fact]
    public void Rejects_signature_when_relay_state_was_removed()
    {
        var url = HttpRedirectBinding.Encode(Destination, SamlMessageKind.Request, Message, "original", Signer.WithPrivateKey);
        var tampered = QueryOf(url).Replace("&RelayState=original", "", StringComparison.Ordinal);

        var error = Assert.Throws<SamlBindingException>(() =>
            HttpRedirectBinding.Decode(tampered).VerifySignature([Signer.Public]));

        Assert.Equal(SamlBindingError.InvalidSignature, error.Error);
    }

    [Fact]
    public void Rejects_signature_when_message_was_swapped()
    {
        var signed = QueryOf(HttpRedirectBinding.Encode(Destination, SamlMessageKind.Request, Message, null, Signer.WithPrivateKey));
        var other = QueryOf(HttpRedirectBinding.Encode(Destination, SamlMessageKind.Request,
            Message.Replace("_abc", "_xyz", StringComparison.Ordinal), null, signingCertificate: null));
        var swapped = other + signed[signed.IndexOf("&SigAlg=", StringComparison.Ordinal)..];

        var error = Assert.Throws<SamlBindingException>(() =>
            HttpRedirectBinding.Decode(swapped).VerifySignature([Signer.Public]));

        Assert.Equal(SamlBindingError.InvalidSignature, error.Error);
    }

    [Fact]
    public void Rejects_signature_by_a_key_that_is_not_trusted()
    {
        var url = HttpRedirectBinding.Encode(Destination, SamlMessageKind.Request, Message, null, Other.WithPrivateKey);

        var error = Assert.Throws<SamlBindingException>(() =>
            HttpRedirectBinding.Decode(QueryOf(url)).VerifySignature([Signer.Public]));

        Assert.Equal(SamlBindingError.InvalidSignature, error.Error);
    }

    [Fact]
    public void Rejects_verification_of_an_unsigned_message()
    {
        var url = HttpRedirectBinding.Encode(Destination, SamlMessageKind.Request, Message, null, signingCertificate: null);

        var error = Assert.Throws<SamlBindingException>(() =>
            HttpRedirectBinding.Decode(QueryOf(url)).VerifySignature([Signer.Public]));

        Assert.Equal(SamlBindingError.MissingSignature, error.Error);
    }

    [Fact]
    public void Rejects_rsa_sha1_unless_allowed_for_the_peer()
    {
        var query = SignManually(RedirectSignatureAlgorithms.RsaSha1, HashAlgorithmName.SHA1);

        var error = Assert.Throws<SamlBindingException>(() =>
            HttpRedirectBinding.Decode(query).VerifySignature([Signer.Public]));

        Assert.Equal(SamlBindingError.WeakSignatureAlgorithm, error.Error);
        HttpRedirectBinding.Decode(query).VerifySignature([Signer.Public], allowSha1: true);
    }

    [Fact]
    public void Rejects_unknown_signature_algorithm()
    {
        var query = SignManually("http://www.w3.org/2001/04/xmldsig-more#hmac-sha256", HashAlgorithmName.SHA256);

        var error = Assert.Throws<SamlBindingException>(() =>
            HttpRedirectBinding.Decode(query).VerifySignature([Signer.Public]));

        Assert.Equal(SamlBindingError.UnsupportedSignatureAlgorithm, error.Error);
    }

    [Fact]
    public void Rejects_sig_alg_without_signature()
    {
        var url = HttpRedirectBinding.Encode(Destination, SamlMessageKind.Request, Message, null, Signer.WithPrivateKey);
        var query = QueryOf(url);
        var withoutSignature = query[..query.IndexOf("&Signature=", StringComparison.Ordinal)];

        var error = Assert.Throws<SamlBindingException>(() => HttpRedirectBinding.Decode(withoutSignature));

        Assert.Equal(SamlBindingError.MissingSignature, error.Error);
    }

    [Fact]
    public void Refuses_deflate_bomb_before_it_is_fully_inflated()
    {
        var bomb = "<a>" + new string(' ', 10 * 1024 * 1024) + "</a>";
        var query = "SAMLRequest=" + Uri.EscapeDataString(Convert.ToBase64String(Deflate(bomb)));
        Assert.True(query.Length < 64 * 1024, "the compressed bomb itself is small");

        var error = Assert.Throws<SamlBindingException>(() => HttpRedirectBinding.Decode(query));

        Assert.Equal(SamlBindingError.MessageTooLarge, error.Error);
    }

    [Fact]
    public void Refuses_a_relay_state_longer_than_80_bytes()
    {
        var query = "SAMLRequest=" + Uri.EscapeDataString(Convert.ToBase64String(Deflate("<r/>"))) +
                    "&RelayState=" + new string('r', 81);

        var error = Assert.Throws<SamlBindingException>(() => HttpRedirectBinding.Decode(query));

        Assert.Equal(SamlBindingError.MessageTooLarge, error.Error);
    }

    [Fact]
    public void Refuses_dtd_in_the_inflated_message()
    {
        // An external DTD reference: nothing may be fetched (entity declarations get their own error, see XmlSafetyTests).
        const string withDtd = "<!DOCTYPE r SYSTEM \"http://127.0.0.1:1/evil.dtd\"><r/>";
        var query = "SAMLRequest=" + Uri.EscapeDataString(Convert.ToBase64String(Deflate(withDtd)));

        var error = Assert.Throws<SamlBindingException>(() => HttpRedirectBinding.Decode(query));

        Assert.Equal(SamlBindingError.InvalidXml, error.Error);
        Assert.Equal(SafeXmlError.DtdProhibited, Assert.IsType<SafeXmlException>(error.InnerException).Error);
    }

    [Theory]
    [InlineData("SAMLRequest=%%%", SamlBindingError.InvalidEncoding)]
    [InlineData("SAMLRequest=%2F%2F%2F%2Fw%3D%3D", SamlBindingError.InvalidEncoding)]
    [InlineData("RelayState=x", SamlBindingError.MissingMessage)]
    [InlineData("SAMLRequest=a&SAMLResponse=b", SamlBindingError.AmbiguousMessage)]
    [InlineData("SAMLRequest=a&SAMLRequest=b", SamlBindingError.AmbiguousMessage)]
    [InlineData("SAMLRequest=a&SAMLEncoding=urn%3Aother", SamlBindingError.InvalidEncoding)]
    public void Rejects_malformed_queries_with_a_stable_reason(string query, SamlBindingError expected)
    {
        var error = Assert.Throws<SamlBindingException>(() => HttpRedirectBinding.Decode(query));

        Assert.Equal(expected, error.Error);
    }

    [Fact]
    public void Refuses_oversized_query_before_decoding()
    {
        var error = Assert.Throws<SamlBindingException>(() =>
            HttpRedirectBinding.Decode("SAMLRequest=" + new string('A', HttpRedirectBinding.MaxQueryLength)));

        Assert.Equal(SamlBindingError.MessageTooLarge, error.Error);
    }

    [Fact]
    public void Refuses_relay_state_longer_than_80_bytes()
    {
        Assert.Throws<ArgumentException>(() =>
            HttpRedirectBinding.Encode(Destination, SamlMessageKind.Request, Message, new string('r', 81), null));
    }

    internal static string QueryOf(string url) => url[(url.IndexOf('?', StringComparison.Ordinal) + 1)..];

    private static string SignManually(string sigAlg, HashAlgorithmName hash)
    {
        var unsigned = QueryOf(HttpRedirectBinding.Encode(Destination, SamlMessageKind.Request, Message, null, signingCertificate: null));
        var signedText = unsigned + "&SigAlg=" + Uri.EscapeDataString(sigAlg);
        var signature = Signer.Sign(signedText, hash);
        return signedText + "&Signature=" + Uri.EscapeDataString(Convert.ToBase64String(signature));
    }

    internal static byte[] Deflate(string text)
    {
        using var output = new MemoryStream();
        using (var deflate = new DeflateStream(output, CompressionLevel.SmallestSize, leaveOpen: true))
        {
            deflate.Write(Encoding.UTF8.GetBytes(text));
        }

        return output.ToArray();
    }
}
