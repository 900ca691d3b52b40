using AaiProxy.Saml.Replay;
using AaiProxy.Saml.Tests.Fuzzing;
using AaiProxy.Saml.Validation;

namespace AaiProxy.Saml.Tests.Validation;

/// <summary>
/// Property: for seeded random mutations of valid signed responses, validation either throws one of
/// our two exceptions or returns exactly the identity that was signed — never another exception, never
/// an altered value.
/// </summary>
public sealed class ResponseMutationFuzzTests
{
    private static readonly int MutationsPerShape = FuzzIterations.Of(1500);

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
        var expected = await Validate(bed, original);
        var random = new Random(seed);
        var outcomes = new Dictionary<string, int>();

        for (var i = 0; i < MutationsPerShape; i++)
        {
            var mutated = Mutations.OfXml(original, random);
            string outcome;
            try
            {
                var accepted = await Validate(bed, mutated);
                AssertSameLogin(expected, accepted);
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

    private static void AssertSameLogin(SamlLoginResult expected, SamlLoginResult actual)
    {
        Assert.Equal(expected.IdentityProvider, actual.IdentityProvider);
        Assert.Equal(expected.Session, actual.Session);
        Assert.Equal(expected.Authentication, actual.Authentication);
        Assert.Equal(expected.Attributes.Select(a => a.Name), actual.Attributes.Select(a => a.Name));
        foreach (var (attribute, index) in expected.Attributes.Select((a, i) => (a, i)))
        {
            Assert.Equal(attribute.Values, actual.Attributes[index].Values);
        }
    }
}
