using System.IO.Compression;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using AaiProxy.Saml.Xml;

namespace AaiProxy.Saml.Bindings;

/// <summary>
/// The SAML HTTP-Redirect binding (Bindings 3.4): DEFLATE, base64 and URL encoding of a protocol
/// message into a query string, with the optional query-string signature of Bindings 3.4.4.1.
/// </summary>
public static class HttpRedirectBinding
{
    /// <summary>Largest inflated message accepted; a few kilobytes are normal, so this only stops deflate bombs.</summary>
    public const int DefaultMaxInflatedBytes = 256 * 1024;

    /// <summary>Largest raw query string accepted, before anything is decoded.</summary>
    public const int MaxQueryLength = 64 * 1024;

    private const string RelayStateParameter = "RelayState";
    private const int MaxRelayStateBytes = 80;
    private const string SigAlgParameter = "SigAlg";
    private const string SignatureParameter = "Signature";
    private const string EncodingParameter = "SAMLEncoding";
    private const string DeflateEncoding = "urn:oasis:names:tc:SAML:2.0:bindings:URL-Encoding:DEFLATE";

    /// <summary>
    /// Builds the URL that carries <paramref name="messageXml"/> to <paramref name="destination"/>.
    /// It is returned as a string on purpose: <see cref="Uri.ToString"/> would unescape the
    /// signed parameters (a <c>%2B</c> becoming <c>+</c>) and break both base64 and the signature.
    /// </summary>
    /// <param name="destination">The peer's endpoint; query parameters it already has are kept (Bindings 3.4.4.1).</param>
    /// <param name="kind">Request or response: decides <c>SAMLRequest</c> or <c>SAMLResponse</c>.</param>
    /// <param name="messageXml">The protocol message, without any XML signature (Bindings 3.4.4.1).</param>
    /// <param name="relayState">Opaque state the peer returns unchanged; at most 80 bytes (Bindings 3.4.3).</param>
    /// <param name="signingCertificate">When given, the query is signed with its RSA private key (RSA-SHA256).</param>
    public static string Encode(Uri destination, SamlMessageKind kind, string messageXml, string? relayState,
        X509Certificate2? signingCertificate)
    {
        ArgumentNullException.ThrowIfNull(destination);
        ArgumentNullException.ThrowIfNull(messageXml);
        if (!destination.IsAbsoluteUri)
        {
            throw new ArgumentException("The destination must be an absolute URL.", nameof(destination));
        }

        if (relayState is not null && Encoding.UTF8.GetByteCount(relayState) > MaxRelayStateBytes)
        {
            throw new ArgumentException("RelayState must not exceed 80 bytes (Bindings 3.4.3).", nameof(relayState));
        }

        // Bindings 3.4.4.1: the signed octets are exactly "SAMLRequest=…&RelayState=…&SigAlg=…",
        // in this order, with the values URL-encoded as they appear in the URL.
        var query = new StringBuilder()
            .Append(kind.ParameterName()).Append('=').Append(Uri.EscapeDataString(Convert.ToBase64String(Deflate(messageXml))));
        if (relayState is not null)
        {
            query.Append('&').Append(RelayStateParameter).Append('=').Append(Uri.EscapeDataString(relayState));
        }

        if (signingCertificate is not null)
        {
            query.Append('&').Append(SigAlgParameter).Append('=').Append(Uri.EscapeDataString(RedirectSignatureAlgorithms.RsaSha256));
            var key = CertificateKeys.RsaPrivateKey(signingCertificate)
                ?? throw new ArgumentException("The signing certificate has no RSA private key.", nameof(signingCertificate));
            var signature = key.SignData(Encoding.UTF8.GetBytes(query.ToString()), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
            query.Append('&').Append(SignatureParameter).Append('=').Append(Uri.EscapeDataString(Convert.ToBase64String(signature)));
        }

        var endpoint = destination.GetLeftPart(UriPartial.Query);
        return endpoint + (destination.Query.Length > 1 ? '&' : '?') + query;
    }

    /// <summary>
    /// Decodes a message from the query string exactly as it arrived (still URL-encoded, e.g. ASP.NET
    /// Core's <c>HttpRequest.QueryString.Value</c>): the signature, if any, is kept over the raw
    /// octets for <see cref="HttpRedirectMessage.VerifySignature"/>. Nothing here decides trust.
    /// </summary>
    /// <exception cref="SamlBindingException">The query does not carry one well-formed, bounded message.</exception>
    public static HttpRedirectMessage Decode(string rawQuery, int maxInflatedBytes = DefaultMaxInflatedBytes)
    {
        ArgumentNullException.ThrowIfNull(rawQuery);
        if (rawQuery.Length > MaxQueryLength)
        {
            throw new SamlBindingException(SamlBindingError.MessageTooLarge,
                $"The query string has {rawQuery.Length} characters; at most {MaxQueryLength} are accepted.");
        }

        var parameters = ParseRawQuery(rawQuery.StartsWith('?') ? rawQuery[1..] : rawQuery);
        var kind = (parameters.ContainsKey("SAMLRequest"), parameters.ContainsKey("SAMLResponse")) switch
        {
            (true, false) => SamlMessageKind.Request,
            (false, true) => SamlMessageKind.Response,
            (true, true) => throw new SamlBindingException(SamlBindingError.AmbiguousMessage,
                "The query carries both SAMLRequest and SAMLResponse."),
            _ => throw new SamlBindingException(SamlBindingError.MissingMessage,
                "The query carries neither SAMLRequest nor SAMLResponse."),
        };

        if (parameters.TryGetValue(EncodingParameter, out var encoding) && UrlDecode(encoding) != DeflateEncoding)
        {
            throw new SamlBindingException(SamlBindingError.InvalidEncoding,
                "Only the DEFLATE encoding of the HTTP-Redirect binding is supported (Bindings 3.4.4).");
        }

        var rawMessage = parameters[kind.ParameterName()];
        var document = BoundMessageParser.Parse(Inflate(BoundMessageParser.DecodeBase64(UrlDecode(rawMessage)), maxInflatedBytes));
        parameters.TryGetValue(RelayStateParameter, out var rawRelayState);
        var relayState = rawRelayState is null ? null : UrlDecode(rawRelayState);
        if (relayState is not null && Encoding.UTF8.GetByteCount(relayState) > MaxRelayStateBytes)
        {
            // Bindings 3.4.3: a peer MUST NOT send more; refusing here also means we never have to echo it.
            throw new SamlBindingException(SamlBindingError.MessageTooLarge, "RelayState exceeds 80 bytes (Bindings 3.4.3).");
        }

        parameters.TryGetValue(SigAlgParameter, out var rawSigAlg);
        parameters.TryGetValue(SignatureParameter, out var rawSignature);
        if ((rawSigAlg is null) != (rawSignature is null))
        {
            throw new SamlBindingException(SamlBindingError.MissingSignature,
                "SigAlg and Signature must be present together (Bindings 3.4.4.1).");
        }

        RedirectSignature? signature = null;
        if (rawSigAlg is not null && rawSignature is not null)
        {
            // Bindings 3.4.4.1: verify over the parameters as received, never as we would re-encode them.
            var signedText = new StringBuilder()
                .Append(kind.ParameterName()).Append('=').Append(rawMessage);
            if (rawRelayState is not null)
            {
                signedText.Append('&').Append(RelayStateParameter).Append('=').Append(rawRelayState);
            }

            signedText.Append('&').Append(SigAlgParameter).Append('=').Append(rawSigAlg);
            signature = new RedirectSignature(
                UrlDecode(rawSigAlg),
                BoundMessageParser.DecodeBase64(UrlDecode(rawSignature)),
                Encoding.UTF8.GetBytes(signedText.ToString()));
        }

        return new HttpRedirectMessage(kind, document, relayState, signature);
    }

    private static byte[] Deflate(string messageXml)
    {
        using var output = new MemoryStream();
        using (var deflate = new DeflateStream(output, CompressionLevel.Optimal, leaveOpen: true))
        {
            deflate.Write(Encoding.UTF8.GetBytes(messageXml));
        }

        return output.ToArray();
    }

    /// <summary>Inflates while counting, so a deflate bomb is refused after at most one buffer too many.</summary>
    private static byte[] Inflate(byte[] compressed, int maxInflatedBytes)
    {
        using var input = new MemoryStream(compressed, writable: false);
        using var inflate = new DeflateStream(input, CompressionMode.Decompress);
        using var output = new MemoryStream();
        var buffer = new byte[8192];
        try
        {
            int read;
            while ((read = inflate.Read(buffer, 0, buffer.Length)) > 0)
            {
                if (output.Length + read > maxInflatedBytes)
                {
                    throw new SamlBindingException(SamlBindingError.MessageTooLarge,
                        $"The inflated message exceeds {maxInflatedBytes} bytes.");
                }

                output.Write(buffer, 0, read);
            }

            return output.ToArray();
        }
        catch (InvalidDataException ex)
        {
            throw new SamlBindingException(SamlBindingError.InvalidEncoding, "The message is not valid DEFLATE data.", ex);
        }
    }

    // application/x-www-form-urlencoded: '+' is a space, %XX an octet.
    private static string UrlDecode(string value) => WebUtility.UrlDecode(value);

    /// <summary>Splits the query into raw (still encoded) values; a repeated binding parameter is refused.</summary>
    private static Dictionary<string, string> ParseRawQuery(string query)
    {
        var parameters = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var pair in query.Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var separator = pair.IndexOf('=', StringComparison.Ordinal);
            var name = UrlDecode(separator < 0 ? pair : pair[..separator]);
            var value = separator < 0 ? string.Empty : pair[(separator + 1)..];
            if (!parameters.TryAdd(name, value))
            {
                throw new SamlBindingException(SamlBindingError.AmbiguousMessage, $"The query repeats the parameter '{name}'.");
            }
        }

        return parameters;
    }
}
