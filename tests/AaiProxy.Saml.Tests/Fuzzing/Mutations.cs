using System.Text;
using System.Xml;

namespace AaiProxy.Saml.Tests.Fuzzing;

/// <summary>
/// Seeded random mutations for the parser property tests: of text (bit flips, inserted syntax
/// characters, deletions), of XML structure (duplicated, moved, deleted elements) and of raw bytes.
/// Each call draws from the caller's <see cref="Random"/> only, so a seed replays a failure exactly.
/// </summary>
internal static class Mutations
{
    /// <summary>One text or structure mutation of a well-formed XML document.</summary>
    public static string OfXml(string xml, Random random) => random.Next(6) switch
    {
        0 => FlipBit(xml, random),
        1 => InsertCharacter(xml, random),
        2 => DeleteCharacters(xml, random),
        3 => DuplicateElement(xml, random),
        4 => MoveElement(xml, random),
        _ => DeleteElement(xml, random),
    };

    /// <summary>One text mutation (no structure assumed).</summary>
    public static string OfText(string text, Random random) => random.Next(3) switch
    {
        0 => FlipBit(text, random),
        1 => InsertCharacter(text, random),
        _ => DeleteCharacters(text, random),
    };

    /// <summary>One byte mutation: a flipped bit, an inserted random byte, or up to 7 deleted bytes.</summary>
    public static byte[] OfBytes(byte[] bytes, Random random)
    {
        var mutated = bytes.ToList();
        switch (random.Next(3))
        {
            case 0:
                mutated[random.Next(mutated.Count)] ^= (byte)(1 << random.Next(8));
                break;
            case 1:
                mutated.Insert(random.Next(mutated.Count + 1), (byte)random.Next(256));
                break;
            default:
                var start = random.Next(mutated.Count);
                mutated.RemoveRange(start, Math.Min(random.Next(1, 8), mutated.Count - start));
                break;
        }

        return [.. mutated];
    }

    private static string FlipBit(string text, Random random)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        bytes[random.Next(bytes.Length)] ^= (byte)(1 << random.Next(8));
        return Encoding.UTF8.GetString(bytes);
    }

    private static string InsertCharacter(string text, Random random)
    {
        const string interesting = "<>&\"'/=!- \n#x:";
        var c = random.Next(2) == 0 ? interesting[random.Next(interesting.Length)] : (char)random.Next(32, 127);
        return text.Insert(random.Next(text.Length), c.ToString());
    }

    private static string DeleteCharacters(string text, Random random)
    {
        var start = random.Next(text.Length);
        return text.Remove(start, Math.Min(random.Next(1, 8), text.Length - start));
    }

    private static List<XmlElement> Elements(XmlDocument document) =>
        document.GetElementsByTagName("*").Cast<XmlElement>().ToList();

    private static string DuplicateElement(string xml, Random random)
    {
        var document = SamlTestBed.Load(xml);
        var elements = Elements(document).Skip(1).ToList();
        var element = elements[random.Next(elements.Count)];
        element.ParentNode!.InsertAfter(element.CloneNode(deep: true), element);
        return document.OuterXml;
    }

    private static string MoveElement(string xml, Random random)
    {
        var document = SamlTestBed.Load(xml);
        var elements = Elements(document);
        var moved = elements[1 + random.Next(elements.Count - 1)];
        var targets = elements.Where(e => e != moved && !IsDescendantOf(e, moved)).ToList();
        var target = targets[random.Next(targets.Count)];
        moved.ParentNode!.RemoveChild(moved);
        if (target.HasChildNodes && random.Next(2) == 0)
        {
            target.InsertBefore(moved, target.FirstChild);
        }
        else
        {
            target.AppendChild(moved);
        }

        return document.OuterXml;
    }

    private static string DeleteElement(string xml, Random random)
    {
        var document = SamlTestBed.Load(xml);
        var elements = Elements(document).Skip(1).ToList();
        var element = elements[random.Next(elements.Count)];
        element.ParentNode!.RemoveChild(element);
        return document.OuterXml;
    }

    private static bool IsDescendantOf(XmlNode node, XmlNode ancestor)
    {
        for (var current = node.ParentNode; current is not null; current = current.ParentNode)
        {
            if (current == ancestor)
            {
                return true;
            }
        }

        return false;
    }
}
