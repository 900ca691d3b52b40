using System.Xml;

namespace AaiProxy.Saml.Xml;

/// <summary>Delegates every member to an inner reader, so a subclass can watch what is read.</summary>
internal abstract class XmlWrappingReader(XmlReader inner) : XmlReader
{
    protected XmlReader Inner { get; } = inner;

    public override int AttributeCount => Inner.AttributeCount;
    public override string BaseURI => Inner.BaseURI;
    public override int Depth => Inner.Depth;
    public override bool EOF => Inner.EOF;
    public override bool IsEmptyElement => Inner.IsEmptyElement;
    public override string LocalName => Inner.LocalName;
    public override string NamespaceURI => Inner.NamespaceURI;
    public override XmlNameTable NameTable => Inner.NameTable;
    public override XmlNodeType NodeType => Inner.NodeType;
    public override string Prefix => Inner.Prefix;
    public override ReadState ReadState => Inner.ReadState;
    public override string Value => Inner.Value;
    public override string GetAttribute(int i) => Inner.GetAttribute(i);
    public override string? GetAttribute(string name) => Inner.GetAttribute(name);
    public override string? GetAttribute(string name, string? namespaceURI) => Inner.GetAttribute(name, namespaceURI);
    public override string? LookupNamespace(string prefix) => Inner.LookupNamespace(prefix);
    public override bool MoveToAttribute(string name) => Inner.MoveToAttribute(name);
    public override bool MoveToAttribute(string name, string? ns) => Inner.MoveToAttribute(name, ns);
    public override void MoveToAttribute(int i) => Inner.MoveToAttribute(i);
    public override bool MoveToElement() => Inner.MoveToElement();
    public override bool MoveToFirstAttribute() => Inner.MoveToFirstAttribute();
    public override bool MoveToNextAttribute() => Inner.MoveToNextAttribute();
    public override bool Read() => Inner.Read();
    public override bool ReadAttributeValue() => Inner.ReadAttributeValue();
    public override void ResolveEntity() => Inner.ResolveEntity();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            Inner.Dispose();
        }

        base.Dispose(disposing);
    }
}
