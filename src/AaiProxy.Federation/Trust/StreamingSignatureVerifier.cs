using System.Security.Cryptography;
using System.Text;
using System.Xml;
using System.Xml.Linq;
using AaiProxy.Federation.Reading;
using AaiProxy.Saml;

namespace AaiProxy.Federation.Trust;

/// <summary>
/// Verifies a metadata document's enveloped signature in one forward pass, never holding the
/// document as a tree: the <c>ds:Signature</c> (the document element's first child, Metadata 2.3.1)
/// is read into a small element and checked by <see cref="SignatureRules"/>, its SignedInfo is
/// canonicalized and its signature value verified with the trusted key, then the rest of the
/// document is canonicalized (exclusive c14n, the Signature left out: the enveloped transform)
/// straight into the digest. Anything the canonicalizer does not cover is rejected.
/// </summary>
internal static class StreamingSignatureVerifier
{
    private const string XmlnsNamespace = "http://www.w3.org/2000/xmlns/";

    /// <exception cref="MetadataRejectedException">The document must not be used.</exception>
    public static void Verify(Stream xml, MetadataTrustAnchor anchor, MetadataReadOptions options) =>
        MetadataXml.Read(xml, options, reader => VerifyDocument(reader, anchor, options.Limits.MaxDepth));

    private static bool VerifyDocument(XmlReader reader, MetadataTrustAnchor anchor, int maxDepth)
    {
        var documentId = reader.GetAttribute("ID");
        var ids = new IdCounter(documentId);
        // The document element is canonicalized once the signature has said how (its PrefixList):
        // until then keep its name, attributes, namespace declarations and the whitespace before the Signature.
        var root = (reader.Prefix, reader.LocalName, reader.NamespaceURI, Attributes: Attributes(reader, ids), Declared: Declarations(reader));
        if (reader.IsEmptyElement)
        {
            throw new MetadataRejectedException(MetadataRejection.SignatureMissing, "The metadata is not signed.");
        }

        var leadingText = new StringBuilder();
        DigestSink? sink = null;
        ExclusiveCanonicalWriter? canonical = null;
        CheckedSignature? signature = null;
        try
        {
            while ((canonical is null || canonical.Depth > 0) && reader.Read())
            {
                switch (reader.NodeType)
                {
                    case XmlNodeType.Element when reader.Depth == 1 && IsSignature(reader):
                        if (signature is not null)
                        {
                            throw new MetadataRejectedException(MetadataRejection.SignatureStructureInvalid, "The metadata has more than one Signature.");
                        }

                        signature = VerifySignedInfo(reader, documentId, anchor, ids, maxDepth);
                        sink = new DigestSink(signature.DigestHash);
                        canonical = new ExclusiveCanonicalWriter(sink, signature.DigestInclusivePrefixes);
                        canonical.StartElement(root.Prefix, root.LocalName, root.NamespaceURI, root.Attributes, root.Declared.GetValueOrDefault);
                        canonical.Text(leadingText.ToString());
                        break;
                    case XmlNodeType.Element:
                        if (canonical is null)
                        {
                            throw new MetadataRejectedException(MetadataRejection.SignatureMissing,
                                "The metadata is not signed (its element's first child is not a ds:Signature).");
                        }

                        if (reader.Depth >= maxDepth)
                        {
                            throw MetadataXml.TooDeep(maxDepth);
                        }

                        canonical.StartElement(reader.Prefix, reader.LocalName, reader.NamespaceURI, Attributes(reader, ids), reader.LookupNamespace);
                        if (reader.IsEmptyElement)
                        {
                            canonical.EndElement();
                        }

                        break;
                    case XmlNodeType.EndElement when canonical is null:
                        throw new MetadataRejectedException(MetadataRejection.SignatureMissing, "The metadata is not signed.");
                    case XmlNodeType.EndElement:
                        canonical.EndElement();
                        break;
                    case XmlNodeType.Text or XmlNodeType.CDATA or XmlNodeType.Whitespace or XmlNodeType.SignificantWhitespace:
                        if (canonical is null)
                        {
                            leadingText.Append(reader.Value);
                        }
                        else
                        {
                            canonical.Text(reader.Value);
                        }

                        break;
                    default:
                        throw Unsupported(reader.NodeType);
                }
            }

            if (signature is null || canonical is null || sink is null)
            {
                throw new MetadataRejectedException(MetadataRejection.SignatureMissing, "The metadata is not signed.");
            }

            ids.RequireOnce();
            canonical.Flush();
            if (!CryptographicOperations.FixedTimeEquals(sink.FinishDigest(), signature.DigestValue))
            {
                throw new MetadataRejectedException(MetadataRejection.SignatureInvalid,
                    "The metadata's digest does not match its signature: the content was changed after signing.");
            }
        }
        finally
        {
            canonical?.Dispose();
            sink?.Dispose();
        }

        return true;
    }

    // Reads the Signature subtree (kilobytes) into an element for the rules, canonicalizing its
    // SignedInfo on the way, and verifies the signature value over it with the trusted key.
    private static CheckedSignature VerifySignedInfo(XmlReader reader, string? documentId, MetadataTrustAnchor anchor, IdCounter ids, int maxDepth)
    {
        var signatureDepth = reader.Depth;
        var root = NewElement(reader, ids);
        var open = new Stack<XElement>([root]);
        using var signedInfoBytes = new MemoryStream();
        ExclusiveCanonicalWriter? signedInfo = null;
        var signedInfoSeen = false;
        var empty = reader.IsEmptyElement;
        while (!empty && reader.Read())
        {
            switch (reader.NodeType)
            {
                case XmlNodeType.Element:
                    if (reader.Depth >= maxDepth)
                    {
                        throw MetadataXml.TooDeep(maxDepth);
                    }

                    var element = NewElement(reader, ids);
                    open.Peek().Add(element);
                    if (!signedInfoSeen && reader.Depth == signatureDepth + 1 && reader.LocalName == "SignedInfo" && reader.NamespaceURI == SamlNamespaces.XmlDsig)
                    {
                        signedInfoSeen = true;
                        signedInfo = new ExclusiveCanonicalWriter(signedInfoBytes);
                    }

                    signedInfo?.StartElement(reader.Prefix, reader.LocalName, reader.NamespaceURI, Attributes(reader, ids: null));
                    if (reader.IsEmptyElement)
                    {
                        EndSignedInfoElement(ref signedInfo);
                    }
                    else
                    {
                        open.Push(element);
                    }

                    break;
                case XmlNodeType.EndElement when reader.Depth == signatureDepth:
                    return Check(root, signedInfoBytes, documentId, anchor);
                case XmlNodeType.EndElement:
                    open.Pop();
                    EndSignedInfoElement(ref signedInfo);
                    break;
                case XmlNodeType.Text or XmlNodeType.CDATA or XmlNodeType.Whitespace or XmlNodeType.SignificantWhitespace:
                    open.Peek().Add(new XText(reader.Value));
                    signedInfo?.Text(reader.Value);
                    break;
                default:
                    throw Unsupported(reader.NodeType);
            }
        }

        return Check(root, signedInfoBytes, documentId, anchor);
    }

    private static void EndSignedInfoElement(ref ExclusiveCanonicalWriter? signedInfo)
    {
        if (signedInfo is null)
        {
            return;
        }

        signedInfo.EndElement();
        if (signedInfo.Depth == 0)
        {
            signedInfo.Dispose();
            signedInfo = null;
        }
    }

    // XMLDSig 3.2.2 (core validation): the signature value over the canonical SignedInfo, with the trusted key.
    private static CheckedSignature Check(XElement signatureElement, MemoryStream signedInfoBytes, string? documentId, MetadataTrustAnchor anchor)
    {
        var signature = SignatureRules.Check(signatureElement, documentId, anchor);
        if (!signature.VerifiesSignedInfo(signedInfoBytes.ToArray()))
        {
            throw new MetadataRejectedException(MetadataRejection.SignatureInvalid, "The metadata signature does not verify with the trusted key.");
        }

        return signature;
    }

    private static bool IsSignature(XmlReader reader) => reader.LocalName == "Signature" && reader.NamespaceURI == SamlNamespaces.XmlDsig;

    private static MetadataRejectedException Unsupported(XmlNodeType nodeType) =>
        new(MetadataRejection.SignatureStructureInvalid,
            $"The signed metadata contains a {nodeType} node, which this verifier does not canonicalize.");

    private static XElement NewElement(XmlReader reader, IdCounter ids) =>
        new(XName.Get(reader.LocalName, reader.NamespaceURI),
            Attributes(reader, ids).Select(a => new XAttribute(XName.Get(a.LocalName, a.NamespaceUri), a.Value)));

    // The document element's own namespace declarations: all that is in scope there ("" is the default namespace).
    private static Dictionary<string, string> Declarations(XmlReader reader)
    {
        var declared = new Dictionary<string, string>(StringComparer.Ordinal);
        if (reader.MoveToFirstAttribute())
        {
            do
            {
                if (reader.NamespaceURI == XmlnsNamespace)
                {
                    declared[reader.Prefix.Length == 0 ? "" : reader.LocalName] = reader.Value;
                }
            }
            while (reader.MoveToNextAttribute());

            reader.MoveToElement();
        }

        return declared;
    }

    private static List<CanonicalAttribute> Attributes(XmlReader reader, IdCounter? ids)
    {
        var attributes = new List<CanonicalAttribute>(reader.AttributeCount);
        if (reader.MoveToFirstAttribute())
        {
            do
            {
                if (reader.NamespaceURI != XmlnsNamespace)
                {
                    attributes.Add(new CanonicalAttribute(reader.Prefix, reader.LocalName, reader.NamespaceURI, reader.Value));
                    ids?.See(reader.LocalName, reader.Value);
                }
            }
            while (reader.MoveToNextAttribute());

            reader.MoveToElement();
        }

        return attributes;
    }

    /// <summary>The signed ID must name exactly one element, whatever attribute a resolver might treat as an ID.</summary>
    private sealed class IdCounter(string? id)
    {
        private int _occurrences;

        public void See(string localName, string value)
        {
            if (localName is "ID" or "Id" or "id" && value == id)
            {
                _occurrences++;
            }
        }

        public void RequireOnce()
        {
            if (_occurrences != 1)
            {
                throw new MetadataRejectedException(MetadataRejection.DuplicateId, $"The signed ID '{id}' occurs {_occurrences} times.");
            }
        }
    }

    /// <summary>Hashes the canonical bytes as they are written.</summary>
    private sealed class DigestSink(HashAlgorithmName algorithm) : Stream
    {
        private readonly IncrementalHash _hash = IncrementalHash.CreateHash(algorithm);

        public byte[] FinishDigest() => _hash.GetHashAndReset();

        public override void Write(byte[] buffer, int offset, int count) => _hash.AppendData(buffer, offset, count);

        public override void Write(ReadOnlySpan<byte> buffer) => _hash.AppendData(buffer);

        public override void Flush()
        {
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                _hash.Dispose();
            }

            base.Dispose(disposing);
        }

        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
