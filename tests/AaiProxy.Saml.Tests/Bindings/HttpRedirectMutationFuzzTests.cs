using AaiProxy.Saml.Bindings;
using AaiProxy.Saml.Tests.Fuzzing;

namespace AaiProxy.Saml.Tests.Bindings;

/// <summary>
/// Property: for seeded random mutations of a valid signed HTTP-Redirect query — at the level of the
/// query text, the base64 of SAMLRequest, its DEFLATE bytes, or the inflated XML — decoding and
/// verifying either throw <see cref="SamlBindingException"/> or verify a message identical to the
/// signed one: never another exception, never a signature over octets that changed.
/// </summary>
public sealed class HttpRedirectMutationFuzzTests
{
    private static readonly int MutationsPerLayer = FuzzIterations.Of(1000);

    private const string Message =
        "<samlp:LogoutRequest xmlns:samlp=\"urn:oasis:names:tc:SAML:2.0:protocol\" ID=\"_abc\" Version=\"2.0\">" +
        "<saml:Issuer xmlns:saml=\"urn:oasis:names:tc:SAML:2.0:assertion\">https://sp.example.org/</saml:Issuer>" +
        "<saml:NameID xmlns:saml=\"urn:oasis:names:tc:SAML:2.0:assertion\">alice</saml:NameID>" +
        "</samlp:LogoutRequest>";

    private static readonly TestKeyPair Signer = new("signer.example.org");

    public static TheoryData<string, int> Layers => new()
    {
        { "query text", 11 },
        { "base64", 22 },
        { "deflated bytes", 33 },
        { "inflated xml", 44 },
    };

    [Theory]
    [MemberData(nameof(Layers))]
    public void Random_mutations_never_crash_and_never_verify_changed_octets(string layer, int seed)
    {
        var query = HttpRedirectBindingTests.QueryOf(HttpRedirectBinding.Encode(
            new Uri("https://idp.example.org/slo"), SamlMessageKind.Request, Message, "relay/state", Signer.WithPrivateKey));
        var original = HttpRedirectBinding.Decode(query);
        original.VerifySignature([Signer.Public]);
        var random = new Random(seed);
        var outcomes = new Dictionary<string, int>();

        for (var i = 0; i < MutationsPerLayer; i++)
        {
            var mutated = Mutate(query, layer, random);
            string outcome;
            try
            {
                var message = HttpRedirectBinding.Decode(mutated);
                message.VerifySignature([Signer.Public]);

                // Only the signed octets can verify; they must decode to exactly what was signed.
                Assert.Equal(original.Kind, message.Kind);
                Assert.Equal(original.Document.OuterXml, message.Document.OuterXml);
                Assert.Equal(original.RelayState, message.RelayState);
                outcome = "verified";
            }
            catch (SamlBindingException ex)
            {
                outcome = ex.Error.ToString();
            }
            catch (Exception ex)
            {
                Assert.Fail($"Mutation {i} ({layer}, seed {seed}) threw {ex.GetType().Name}: {ex.Message}\n{mutated}");
                throw;
            }

            outcomes[outcome] = outcomes.GetValueOrDefault(outcome) + 1;
        }

        Assert.True(outcomes.Count > 1, $"Mutations should reach more than one rule: {string.Join(", ", outcomes)}");
    }

    private static string Mutate(string query, string layer, Random random)
    {
        if (layer == "query text")
        {
            return Mutations.OfText(query, random);
        }

        // The other layers rewrite the SAMLRequest value and keep RelayState, SigAlg and Signature as signed.
        var parameters = query.Split('&');
        var base64 = Uri.UnescapeDataString(parameters[0]["SAMLRequest=".Length..]);
        var mutatedBase64 = layer switch
        {
            "base64" => Mutations.OfText(base64, random),
            "deflated bytes" => Convert.ToBase64String(Mutations.OfBytes(Convert.FromBase64String(base64), random)),
            _ => Convert.ToBase64String(HttpRedirectBindingTests.Deflate(Mutations.OfXml(Message, random))),
        };
        parameters[0] = "SAMLRequest=" + Uri.EscapeDataString(mutatedBase64);
        return string.Join('&', parameters);
    }
}
