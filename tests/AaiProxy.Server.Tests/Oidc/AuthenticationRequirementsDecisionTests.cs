using AaiProxy.Server.Oidc;
using OpenIddict.Abstractions;

namespace AaiProxy.Server.Tests.Oidc;

/// <summary>The one decision about <c>acr</c>, on requests as OpenIddict hands them over (no HTTP).</summary>
public sealed class AuthenticationRequirementsDecisionTests
{
    private const string Mfa = "https://refeds.org/profile/mfa";
    private static readonly string[] Supported = [Mfa];

    private static AuthenticationDecision Decide(string? acrValues = null, string? claims = null, bool clientRequiresMfa = false)
    {
        var request = new OpenIddictRequest { AcrValues = acrValues };
        if (claims is not null)
        {
            request.SetParameter(OpenIddictConstants.Parameters.Claims, claims);
        }

        return AuthenticationRequirements.Decide(request, clientRequiresMfa, Supported, Mfa);
    }

    [Fact]
    public void Without_any_demand_any_session_will_do()
    {
        var decision = Decide();

        Assert.Equal(AuthenticationRequirement.None, decision.Requirement);
        Assert.True(decision.Requirement!.SatisfiedBy(null));
    }

    [Fact]
    public void Voluntary_values_the_proxy_cannot_request_are_ignored()
    {
        var decision = Decide(acrValues: "mfa urn:example:loa:2");

        Assert.Empty(decision.Requirement!.ContextClasses);
        Assert.Null(decision.Unmet);
    }

    [Fact]
    public void A_voluntary_value_the_proxy_can_request_is_asked_for_but_not_essential()
    {
        var decision = Decide(acrValues: "mfa " + Mfa);

        Assert.Equal([Mfa], decision.Requirement!.ContextClasses);
        Assert.False(decision.Requirement.Essential);
        Assert.False(decision.Requirement.SatisfiedBy("https://refeds.org/profile/sfa"));
        Assert.True(decision.Requirement.SatisfiedBy(Mfa));
    }

    [Fact]
    public void An_essential_value_from_the_claims_parameter_is_essential()
    {
        var decision = Decide(claims: """{"id_token":{"acr":{"essential":true,"value":""" + "\"" + Mfa + "\"}}}");

        Assert.Equal([Mfa], decision.Requirement!.ContextClasses);
        Assert.True(decision.Requirement.Essential);
    }

    [Fact]
    public void An_essential_value_the_proxy_cannot_request_is_unmet()
    {
        var decision = Decide(claims: """{"userinfo":{"acr":{"essential":true,"values":["urn:example:loa:4"]}}}""");

        Assert.Null(decision.Requirement);
        Assert.Contains("urn:example:loa:4", decision.Unmet);
    }

    [Fact]
    public void A_client_requiring_mfa_makes_mfa_essential_whatever_the_request_says()
    {
        var decision = Decide(acrValues: "urn:example:loa:1", clientRequiresMfa: true);

        Assert.Equal([Mfa], decision.Requirement!.ContextClasses);
        Assert.True(decision.Requirement.Essential);
    }

    [Fact]
    public void A_client_requiring_mfa_cannot_be_served_where_mfa_cannot_be_requested()
    {
        var request = new OpenIddictRequest();

        var decision = AuthenticationRequirements.Decide(request, clientRequiresMfa: true, supported: [], Mfa);

        Assert.Null(decision.Requirement);
        Assert.NotNull(decision.Unmet);
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("[1,2,3]")]
    [InlineData("\"a string\"")]
    [InlineData("""{"id_token":"acr"}""")]
    [InlineData("""{"id_token":{"acr":{"essential":"yes","values":"not an array"}}}""")]
    [InlineData("""{"id_token":{"acr":{"essential":true,"values":[1,{"a":2},null]}}}""")]
    [InlineData("""{"id_token":{"acr":{"essential":true}}}""")]
    public void A_claims_parameter_of_an_unexpected_shape_demands_nothing_essential_it_cannot_name(string claims)
    {
        var decision = Decide(claims: claims);

        // Either nothing is demanded, or an essential demand without any value is refused as unmet: never an exception.
        Assert.True(decision.Requirement == AuthenticationRequirement.None || decision.Unmet is not null);
    }

    [Fact]
    public void Random_claims_parameters_never_throw()
    {
        var random = new Random(1414);
        const string alphabet = "{}[]\":,acr essential values value id_token userinfo true false null 0123456789\\";
        for (var i = 0; i < 2000; i++)
        {
            var text = new string([.. Enumerable.Range(0, random.Next(0, 80)).Select(_ => alphabet[random.Next(alphabet.Length)])]);

            var decision = Decide(claims: text);

            Assert.True(decision.Requirement is not null || decision.Unmet is not null);
        }
    }

    [Fact]
    public void Deeply_nested_claims_parameter_is_refused_by_the_parser_limit_not_by_a_crash()
    {
        var claims = string.Concat(Enumerable.Repeat("{\"a\":", 500)) + "1" + new string('}', 500);

        var decision = Decide(claims: claims);

        Assert.Equal(AuthenticationRequirement.None, decision.Requirement);
    }
}
