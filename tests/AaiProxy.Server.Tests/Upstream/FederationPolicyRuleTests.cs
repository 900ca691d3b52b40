using System.Net;
using AaiProxy.Federation.Generation;
using AaiProxy.Identity;
using AaiProxy.Saml.Validation;
using AaiProxy.Server.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace AaiProxy.Server.Tests.Upstream;

/// <summary>
/// What a federation IdP's metadata decides at the proxy: its SAML policy by <c>AaiProxy:Saml:PolicyRules</c> (entity
/// category, Sirtfi, entity ID, …) and its Sirtfi status for the REFEDS assurance conformance value. The federation is
/// the shared generator's: IdP 0 is R&amp;S without Sirtfi, IdP 1 Sirtfi without R&amp;S, IdP 2 neither.
/// </summary>
public sealed class FederationPolicyRuleTests(ProxyFixture fixture) : IClassFixture<ProxyFixture>, IDisposable
{
    private static readonly string ResearchAndScholarship = AggregateGenerator.EntityId(0);
    private static readonly string SirtfiIdp = AggregateGenerator.EntityId(1);
    private static readonly string PlainIdp = AggregateGenerator.EntityId(2);

    private readonly GeneratedFederationFiles _federation = new(entities: 3);

    [Fact]
    public async Task A_rule_requiring_encryption_refuses_an_unencrypted_assertion_from_a_matching_federation_idp()
    {
        await using var factory = Factory();
        var browser = factory.CreateBrowser();
        var (_, request) = await FederationLogin.StartAsync(browser, ResearchAndScholarship);

        using var answer = await UpstreamLogin.PostToAcsAsync(browser, FederationLogin.Answer(factory, request, ResearchAndScholarship,
            _federation.EntityKey, "alice@" + AggregateGenerator.Domain(0), encrypt: false));

        var page = await Saml.SamlBrowserSteps.ReadFailurePageAsync(answer);
        Assert.Equal(HttpStatusCode.BadRequest, page.Status);
        Saml.SamlBrowserSteps.LogLine(factory, page.CorrelationId, "response rejected with AssertionNotEncrypted");
    }

    [Fact]
    public async Task The_same_rule_accepts_an_encrypted_assertion_from_that_idp()
    {
        await using var factory = Factory();
        var browser = factory.CreateBrowser();
        var (_, request) = await FederationLogin.StartAsync(browser, ResearchAndScholarship);

        using var answer = await UpstreamLogin.PostToAcsAsync(browser, FederationLogin.Answer(factory, request, ResearchAndScholarship,
            _federation.EntityKey, "alice@" + AggregateGenerator.Domain(0), encrypt: true));

        Assert.Equal(HttpStatusCode.Redirect, answer.StatusCode);
        Assert.StartsWith("/connect/authorize", answer.Headers.Location!.OriginalString, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_federation_idp_no_rule_matches_keeps_the_default_and_signs_in_with_an_unencrypted_assertion()
    {
        await using var factory = Factory();
        var browser = factory.CreateBrowser();
        var (_, request) = await FederationLogin.StartAsync(browser, PlainIdp);

        using var answer = await UpstreamLogin.PostToAcsAsync(browser, FederationLogin.Answer(factory, request, PlainIdp,
            _federation.EntityKey, "bob@" + AggregateGenerator.Domain(2), encrypt: false));

        Assert.Equal(HttpStatusCode.Redirect, answer.StatusCode);
        Assert.StartsWith("/connect/authorize", answer.Headers.Location!.OriginalString, StringComparison.Ordinal);
        Assert.Equal(new IdentityProviderPolicy(), factory.Services.GetRequiredService<SamlValidationOptions>().PolicyFor(PlainIdp));
    }

    [Fact]
    public async Task Sha1_is_allowed_only_for_the_idp_a_rule_allows_it_for()
    {
        await using var factory = Factory();

        var options = factory.Services.GetRequiredService<SamlValidationOptions>();

        Assert.Equal(new IdentityProviderPolicy(AllowSha1: true), options.PolicyFor(SirtfiIdp));
        Assert.False(options.PolicyFor(ResearchAndScholarship).AllowSha1);
        Assert.True(options.PolicyFor(ResearchAndScholarship).RequireEncryptedAssertions);
        Assert.False(options.PolicyFor(PlainIdp).AllowSha1);
        Assert.False(options.PolicyFor("http://localhost/demo-idp").AllowSha1);
    }

    [Fact]
    public async Task A_trusted_federation_idp_whose_metadata_asserts_sirtfi_gets_the_conformance_value_and_one_without_does_not()
    {
        await using var factory = Factory(new()
        {
            ["AaiProxy:Assurance:Issuers:0:Issuer"] = SirtfiIdp,
            ["AaiProxy:Assurance:Issuers:0:TrustAssurance"] = "true",
            ["AaiProxy:Assurance:Issuers:1:Issuer"] = ResearchAndScholarship,
            ["AaiProxy:Assurance:Issuers:1:TrustAssurance"] = "true",
        });
        _ = factory.Server;

        var withSirtfi = await AssuranceOfAsync(factory, SirtfiIdp);
        var without = await AssuranceOfAsync(factory, ResearchAndScholarship);

        Assert.True(AggregateGenerator.HasSirtfi(1));
        Assert.False(AggregateGenerator.HasSirtfi(0));
        Assert.Equal([RefedsAssurance.Conformance, RefedsAssurance.IdUnique, RefedsAssurance.IapLow, RefedsAssurance.IapMedium,
            RefedsAssurance.AtpEpa1m, RefedsAssurance.Cappuccino], withSirtfi);
        Assert.Equal([RefedsAssurance.IdUnique, RefedsAssurance.IapLow, RefedsAssurance.IapMedium, RefedsAssurance.AtpEpa1m], without);
    }

    [Fact]
    public async Task Startup_with_a_policy_rule_that_sets_nothing_fails_naming_the_key()
    {
        await using var factory = Factory(new() { ["AaiProxy:Saml:PolicyRules:2:Match:IncludeEntityIds:0"] = PlainIdp });

        var failure = Assert.ThrowsAny<Exception>(() => factory.Server);

        var validation = Assert.IsType<OptionsValidationException>(failure is AggregateException aggregate ? aggregate.InnerException : failure);
        Assert.Contains("AaiProxy:Saml:PolicyRules:2 sets none of AllowUnsolicitedResponses, AllowSha1, RequireEncryptedAssertions, AllowTripleDes.",
            validation.Message);
    }

    public void Dispose() => _federation.Dispose();

    private ProxyFactory Factory(Dictionary<string, string>? more = null)
    {
        var settings = _federation.Settings();
        settings["AaiProxy:Saml:PolicyRules:0:Match:IncludeEntityCategories:0"] = "http://refeds.org/category/research-and-scholarship";
        settings["AaiProxy:Saml:PolicyRules:0:RequireEncryptedAssertions"] = "true";
        settings["AaiProxy:Saml:PolicyRules:1:Match:IncludeEntityIds:0"] = SirtfiIdp;
        settings["AaiProxy:Saml:PolicyRules:1:AllowSha1"] = "true";
        foreach (var (key, value) in more ?? [])
        {
            settings[key] = value;
        }

        return new ProxyFactory(fixture.Database, overrides: settings);
    }

    // The assurance enricher as the proxy runs it, for a SAML login at the issuer that released RAF medium and ePA-1m.
    private static async Task<IReadOnlyList<string>> AssuranceOfAsync(ProxyFactory factory, string issuer)
    {
        await using var scope = factory.Services.CreateAsyncScope();
        var enricher = scope.ServiceProvider.GetServices<IClaimsEnricher>().OfType<AssuranceEnricher>().Single();
        var identity = new ResolvedIdentity(new CommunityAccount("account-1", DateTimeOffset.UnixEpoch, AccountStatus.Active, "alice"), "link",
            new UpstreamIdentity(UpstreamProtocols.Saml2, issuer, "alice", InternalAttributes.SubjectId,
                new Dictionary<string, IReadOnlyList<string>>(), new UpstreamAuthentication(DateTimeOffset.UnixEpoch, null)));
        var claims = new CommunityClaimSet();
        claims.Add(CommunityClaims.EduPersonAssurance, [RefedsAssurance.IapMedium, RefedsAssurance.AtpEpa1m]);

        await enricher.EnrichAsync(identity, new ClaimsRecipient("portal", ["openid"]), claims, CancellationToken.None);

        return claims.Values(CommunityClaims.EduPersonAssurance);
    }
}
