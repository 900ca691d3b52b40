namespace AaiProxy.Saml.Xml;

public enum SafeXmlError
{
    Malformed,
    DtdProhibited,
    /// <summary>A DTD that declares internal entities: the shape of an entity expansion ("billion laughs") bomb.</summary>
    EntityDeclarations,
    TooLarge,
    TooDeep,
}

/// <summary>Untrusted XML was refused before any SAML processing.</summary>
public sealed class SafeXmlException : Exception
{
    public SafeXmlException(SafeXmlError error, string message, Exception? inner = null)
        : base(message, inner) => Error = error;

    public SafeXmlError Error { get; }
}
