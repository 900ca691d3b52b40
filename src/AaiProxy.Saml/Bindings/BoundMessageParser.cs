using System.Text;
using System.Xml;
using AaiProxy.Saml.Xml;

namespace AaiProxy.Saml.Bindings;

/// <summary>Turns the decoded octets of a bound message into a DOM, only through <see cref="SafeXml"/>.</summary>
internal static class BoundMessageParser
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    public static XmlDocument Parse(ReadOnlySpan<byte> utf8)
    {
        string xml;
        try
        {
            xml = StrictUtf8.GetString(utf8);
        }
        catch (DecoderFallbackException ex)
        {
            throw new SamlBindingException(SamlBindingError.InvalidEncoding, "The message is not valid UTF-8.", ex);
        }

        try
        {
            return SafeXml.Load(xml, SafeXmlLimits.ProtocolMessage);
        }
        catch (SafeXmlException ex)
        {
            throw new SamlBindingException(SamlBindingError.InvalidXml, $"The message is not acceptable XML: {ex.Message}", ex);
        }
    }

    public static byte[] DecodeBase64(string value)
    {
        try
        {
            return Convert.FromBase64String(value);
        }
        catch (FormatException ex)
        {
            throw new SamlBindingException(SamlBindingError.InvalidEncoding, "A binding parameter is not valid base64.", ex);
        }
    }
}
