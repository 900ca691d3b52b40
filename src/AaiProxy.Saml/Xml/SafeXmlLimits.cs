namespace AaiProxy.Saml.Xml;

/// <summary>Bounds enforced while XML is read, before a DOM exists.</summary>
/// <param name="MaxCharacters">Largest document accepted, in characters.</param>
/// <param name="MaxDepth">Deepest element nesting accepted.</param>
public sealed record SafeXmlLimits(long MaxCharacters, int MaxDepth)
{
    /// <summary>Protocol messages: a SAML response with an encrypted assertion and a few
    /// certificates is tens of kilobytes; nesting beyond 32 is never legitimate.</summary>
    public static SafeXmlLimits ProtocolMessage { get; } = new(MaxCharacters: 512 * 1024, MaxDepth: 32);

    /// <summary>A single entity's metadata document (aggregates are streamed elsewhere).</summary>
    public static SafeXmlLimits EntityMetadata { get; } = new(MaxCharacters: 4 * 1024 * 1024, MaxDepth: 32);
}
