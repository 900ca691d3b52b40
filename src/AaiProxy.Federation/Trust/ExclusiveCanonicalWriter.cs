using System.Text;

namespace AaiProxy.Federation.Trust;

/// <summary>An attribute as the reader resolved it (namespace declarations are never passed in).</summary>
internal readonly record struct CanonicalAttribute(string Prefix, string LocalName, string NamespaceUri, string Value);

/// <summary>
/// Writes Exclusive XML Canonicalization 1.0 without comments (W3C xml-exc-c14n, with the node
/// rules of Canonical XML 1.0 section 2) from element and text events, as UTF-8, so that a signed
/// document can be digested while it streams. It covers only what an XmlReader over a DTD-less
/// document can produce (elements, attributes, text, CDATA, whitespace); the caller rejects
/// anything else (processing instructions) rather than guess. An InclusiveNamespaces PrefixList
/// (exc-c14n 3.1) makes the listed prefixes follow inclusive c14n: rendered wherever in scope and
/// not already rendered with that value.
/// </summary>
internal sealed class ExclusiveCanonicalWriter : IDisposable
{
    private const string XmlNamespace = "http://www.w3.org/XML/1998/namespace";

    private readonly StreamWriter _output;
    private readonly List<(string Prefix, string Uri)> _rendered = [];
    private readonly Stack<(string QualifiedName, int RenderedMark)> _open = new();
    private readonly List<(string Prefix, string Uri)> _toRender = [];
    private readonly List<CanonicalAttribute> _sorted = [];
    private readonly string[] _inclusivePrefixes;

    /// <param name="inclusivePrefixes">The PrefixList tokens; <c>#default</c> is the default namespace.</param>
    public ExclusiveCanonicalWriter(Stream output, IReadOnlyCollection<string>? inclusivePrefixes = null)
    {
        _output = new StreamWriter(output, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false), bufferSize: 64 * 1024, leaveOpen: true);
        _inclusivePrefixes = (inclusivePrefixes ?? []).Select(p => p == "#default" ? "" : p).Distinct(StringComparer.Ordinal).ToArray();
    }

    public int Depth => _open.Count;

    /// <param name="inScope">The namespace a prefix is bound to at this element ("" for the default
    /// namespace), or null when unbound; consulted only for PrefixList prefixes.</param>
    public void StartElement(string prefix, string localName, string namespaceUri, IReadOnlyList<CanonicalAttribute> attributes,
        Func<string, string?>? inScope = null)
    {
        // Exc-c14n 3: render a namespace only where it is visibly utilized (by the element's own
        // name or a prefixed attribute's) and not already rendered with that value by an output ancestor.
        _toRender.Clear();
        NeedNamespace(prefix, namespaceUri);
        foreach (var attribute in attributes)
        {
            if (attribute.Prefix.Length > 0 && attribute.Prefix != "xml")
            {
                NeedNamespace(attribute.Prefix, attribute.NamespaceUri);
            }
        }

        foreach (var inclusive in _inclusivePrefixes)
        {
            // Inclusive c14n: an unbound default namespace is the empty one; an unbound prefix is simply absent.
            var uri = inScope?.Invoke(inclusive) ?? (inclusive.Length == 0 ? "" : null);
            if (uri is not null)
            {
                NeedNamespace(inclusive, uri);
            }
        }

        _toRender.Sort((a, b) => string.CompareOrdinal(a.Prefix, b.Prefix));
        var qualifiedName = prefix.Length == 0 ? localName : prefix + ":" + localName;
        _open.Push((qualifiedName, _rendered.Count));
        _output.Write('<');
        _output.Write(qualifiedName);
        foreach (var (nsPrefix, uri) in _toRender)
        {
            _output.Write(nsPrefix.Length == 0 ? " xmlns=\"" : " xmlns:");
            if (nsPrefix.Length > 0)
            {
                _output.Write(nsPrefix);
                _output.Write("=\"");
            }

            WriteAttributeValue(uri);
            _output.Write('"');
            _rendered.Add((nsPrefix, uri));
        }

        // C14N 2.2: attributes in order of namespace URI (none first), then local name.
        _sorted.Clear();
        _sorted.AddRange(attributes);
        _sorted.Sort(static (a, b) =>
        {
            var byNamespace = string.CompareOrdinal(a.NamespaceUri, b.NamespaceUri);
            return byNamespace != 0 ? byNamespace : string.CompareOrdinal(a.LocalName, b.LocalName);
        });
        foreach (var attribute in _sorted)
        {
            _output.Write(' ');
            if (attribute.Prefix.Length > 0)
            {
                _output.Write(attribute.Prefix);
                _output.Write(':');
            }

            _output.Write(attribute.LocalName);
            _output.Write("=\"");
            WriteAttributeValue(attribute.Value);
            _output.Write('"');
        }

        _output.Write('>');
    }

    public void EndElement()
    {
        var (qualifiedName, mark) = _open.Pop();
        _output.Write("</");
        _output.Write(qualifiedName);
        _output.Write('>');
        _rendered.RemoveRange(mark, _rendered.Count - mark);
    }

    /// <summary>Character data (text, CDATA, whitespace), escaped per C14N 2.2.</summary>
    public void Text(string text)
    {
        foreach (var c in text)
        {
            switch (c)
            {
                case '&': _output.Write("&amp;"); break;
                case '<': _output.Write("&lt;"); break;
                case '>': _output.Write("&gt;"); break;
                case '\r': _output.Write("&#xD;"); break;
                default: _output.Write(c); break;
            }
        }
    }

    public void Flush() => _output.Flush();

    public void Dispose() => _output.Dispose();

    private void NeedNamespace(string prefix, string uri)
    {
        if (prefix == "xml" && uri == XmlNamespace)
        {
            return;
        }

        foreach (var pending in _toRender)
        {
            if (pending.Prefix == prefix)
            {
                return;
            }
        }

        // The default namespace counts as empty until an ancestor renders one (so xmlns="" only undoes a rendered default).
        var inEffect = prefix.Length == 0 ? "" : null;
        for (var i = _rendered.Count - 1; i >= 0; i--)
        {
            if (_rendered[i].Prefix == prefix)
            {
                inEffect = _rendered[i].Uri;
                break;
            }
        }

        if (inEffect != uri)
        {
            _toRender.Add((prefix, uri));
        }
    }

    private void WriteAttributeValue(string value)
    {
        foreach (var c in value)
        {
            switch (c)
            {
                case '&': _output.Write("&amp;"); break;
                case '<': _output.Write("&lt;"); break;
                case '"': _output.Write("&quot;"); break;
                case '\t': _output.Write("&#x9;"); break;
                case '\n': _output.Write("&#xA;"); break;
                case '\r': _output.Write("&#xD;"); break;
                default: _output.Write(c); break;
            }
        }
    }
}
