using System.Text;
using System.Xml;
using AaiProxy.Identity;
using AaiProxy.Saml.Replay;
using AaiProxy.Saml.Validation;

namespace AaiProxy.Saml.Tests.Validation;

/// <summary>
/// Property: for seeded random mutations of valid signed responses, validation either throws one of
/// our two exceptions or returns exactly the identity that was signed — never another exception, never
/// an altered value.
/// </summary>
public sealed class ResponseMutationFuzzTests
{
    private const int MutationsPerShape = 1500;

    public static TheoryData<string, int> Shapes => new()
    {
        { "assertion signed", 101 },
        { "response signed", 202 },
        { "both signed", 303 },
    };

    [Theory]
    [MemberData(nameof(Shapes))]
    public async Task Random_mutations_never_crash_and_never_change_a_signed_value(string shape, int seed)
    {
        var bed = new SamlTestBed();
        var content = shape switch
        {
            "assertion signed" => SamlTestBed.Baseline(),
            "response signed" => SamlTestBed.Baseline() with { SignAssertion = false, SignResponse = true },
            _ => SamlTestBed.Baseline() with { SignResponse = true },
        };
        var original = bed.Write(content);
        var expected = (await Validate(bed, original)).Identity;
        var random = new Random(seed);
        var outcomes = new Dictionary<string, int>();

        for (var i = 0; i < MutationsPerShape; i++)
        {
            var mutated = Mutate(original, random);
            string outcome;
            try
            {
                var identity = (await Validate(bed, mutated)).Identity;
                AssertSameIdentity(expected, identity);
                outcome = "accepted";
            }
            catch (SamlValidationException ex)
            {
                outcome = ex.Error.ToString();
            }
            catch (SamlStatusException)
            {
                outcome = "status";
            }
            catch (Exception ex)
            {
                Assert.Fail($"Mutation {i} (seed {seed}) threw {ex.GetType().Name}: {ex.Message}\n{mutated}");
                throw;
            }

            outcomes[outcome] = outcomes.GetValueOrDefault(outcome) + 1;
        }

        Assert.True(outcomes.Count > 5, $"Mutations should reach many rules: {string.Join(", ", outcomes)}");
    }

    private static Task<SamlLoginResult> Validate(SamlTestBed bed, string xml)
    {
        bed.ReplayCache = new InMemorySamlReplayCache(bed.Time); // the same assertion ID is legitimately tried again
        return bed.ValidateAsync(xml);
    }

    private static void AssertSameIdentity(UpstreamIdentity expected, UpstreamIdentity actual)
    {
        Assert.Equal(expected.Subject, actual.Subject);
        Assert.Equal(expected.Issuer, actual.Issuer);
        Assert.Equal(expected.Attributes.Keys.Order(), actual.Attributes.Keys.Order());
        foreach (var (name, values) in expected.Attributes)
        {
            Assert.Equal(values, actual.Attributes[name]);
        }
    }

    private static string Mutate(string xml, Random random) => random.Next(6) switch
    {
        0 => FlipBit(xml, random),
        1 => InsertByte(xml, random),
        2 => DeleteBytes(xml, random),
        3 => DuplicateElement(xml, random),
        4 => MoveElement(xml, random),
        _ => DeleteElement(xml, random),
    };

    private static string FlipBit(string xml, Random random)
    {
        var bytes = Encoding.UTF8.GetBytes(xml);
        bytes[random.Next(bytes.Length)] ^= (byte)(1 << random.Next(8));
        return Encoding.UTF8.GetString(bytes);
    }

    private static string InsertByte(string xml, Random random)
    {
        const string interesting = "<>&\"'/=!- \n#x:";
        var c = random.Next(2) == 0 ? interesting[random.Next(interesting.Length)] : (char)random.Next(32, 127);
        return xml.Insert(random.Next(xml.Length), c.ToString());
    }

    private static string DeleteBytes(string xml, Random random)
    {
        var start = random.Next(xml.Length);
        return xml.Remove(start, Math.Min(random.Next(1, 8), xml.Length - start));
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
