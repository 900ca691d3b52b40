using System.Text.RegularExpressions;
using AaiProxy.Saml.Metadata;
using AaiProxy.Saml.Tests.Fuzzing;

namespace AaiProxy.Saml.Tests.Metadata;

/// <summary>
/// Property: for seeded random mutations of valid IdP metadata, the reader either returns metadata or
/// throws <see cref="IdentityProviderMetadataException"/> — never another exception, which at start-up
/// would escape the per-file error that names the broken file.
/// </summary>
public sealed partial class IdentityProviderMetadataMutationFuzzTests
{
    private static readonly int MutationsPerSeed = FuzzIterations.Of(1000);

    [Theory]
    [InlineData(505)]
    [InlineData(606)]
    public void Random_mutations_never_throw_anything_but_a_metadata_exception(int seed)
    {
        var original = IdentityProviderMetadataReaderTests.Metadata();
        IdentityProviderMetadataReader.Read(original);
        var random = new Random(seed);
        var outcomes = new Dictionary<string, int>();

        for (var i = 0; i < MutationsPerSeed; i++)
        {
            var mutated = Mutations.OfXml(original, random);
            string outcome;
            try
            {
                IdentityProviderMetadataReader.Read(mutated);
                outcome = "read";
            }
            catch (IdentityProviderMetadataException ex)
            {
                outcome = Reason(ex.Message);
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

    // The rule without the mutated detail: quoted values blanked, the parser's own message cut off.
    private static string Reason(string message) => QuotedValue().Replace(message, "'…'").Split(": ")[0];

    [GeneratedRegex("'[^']*'")]
    private static partial Regex QuotedValue();
}
