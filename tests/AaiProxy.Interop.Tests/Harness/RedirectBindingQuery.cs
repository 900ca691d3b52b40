using System.Collections.Specialized;
using System.IO.Compression;
using System.Text;
using System.Web;
using System.Xml;
using AaiProxy.Saml.Xml;

namespace AaiProxy.Interop.Tests.Harness;

/// <summary>
/// A SAML message as a browser carried it in a URL under the HTTP-Redirect binding (Bindings 3.4.4.1:
/// raw DEFLATE, then base64, then URL-encoding), decoded here independently of the proxy's own binding
/// code so that a test reads what the peer really sent.
/// </summary>
internal sealed class RedirectBindingQuery
{
    private readonly NameValueCollection parameters;

    private RedirectBindingQuery(NameValueCollection parameters) => this.parameters = parameters;

    public static RedirectBindingQuery Of(string url) => new(HttpUtility.ParseQueryString(new Uri(url).Query));

    /// <summary>A query parameter as sent (e.g. <c>SigAlg</c>, <c>Signature</c>), or null.</summary>
    public string? this[string name] => parameters[name];

    /// <summary>The message in <c>SAMLRequest</c> or <c>SAMLResponse</c>, inflated and parsed.</summary>
    public XmlDocument Message(string parameter)
    {
        var encoded = parameters[parameter] ?? throw new InvalidOperationException($"The URL carries no {parameter}.");
        using var inflate = new DeflateStream(new MemoryStream(Convert.FromBase64String(encoded)), CompressionMode.Decompress);
        using var reader = new StreamReader(inflate, Encoding.UTF8);
        return SafeXml.Load(reader.ReadToEnd(), SafeXmlLimits.ProtocolMessage);
    }
}
