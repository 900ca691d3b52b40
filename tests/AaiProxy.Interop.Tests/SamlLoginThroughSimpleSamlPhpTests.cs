using AaiProxy.Interop.Tests.Harness;
using AaiProxy.Interop.Tests.Portal;

namespace AaiProxy.Interop.Tests;

/// <summary>
/// Issue 3, "Interop with a real IdP": a browser signs in to the demo data portal (an OIDC client of
/// the proxy) through the proxy's SAML SP and a real SimpleSAMLphp IdP, and the tokens the portal
/// receives carry alice's mapped attributes under an opaque community subject.
/// </summary>
public sealed class SamlLoginThroughSimpleSamlPhpTests(ITestOutputHelper output)
{
    // alice as tests/peers/simplesamlphp.sh defines her.
    private const string AliceSubjectId = "alice@idp.example.org";
    private const string AliceEduPersonPrincipalName = "alice@idp.example.org";
    private const string AliceMail = "alice.liddell@idp.example.org";
    private const string DemoEntitlement = "urn:mace:example.org:group:demo";

    [SkippableFact]
    public Task Signed_assertion_login_through_SimpleSAMLphp_yields_tokens_with_mapped_claims() =>
        SignInAsAliceAndCheckClaimsAsync(AssertionProtection.Signed, nameof(Signed_assertion_login_through_SimpleSAMLphp_yields_tokens_with_mapped_claims));

    [SkippableFact]
    public Task Encrypted_assertion_login_through_SimpleSAMLphp_yields_tokens_with_mapped_claims() =>
        SignInAsAliceAndCheckClaimsAsync(AssertionProtection.Encrypted, nameof(Encrypted_assertion_login_through_SimpleSAMLphp_yields_tokens_with_mapped_claims));

    private async Task SignInAsAliceAndCheckClaimsAsync(AssertionProtection protection, string scenarioName)
    {
        await using var stack = await SamlLoginStack.StartAsync(output, protection);
        await stack.RunAsync(scenarioName, async page =>
        {
            var portal = new PortalPage(page, stack.Proxy.BaseUrl);
            await portal.OpenAsync();
            await portal.SignInAsync();
            await portal.ChooseIdentityProviderIfAskedAsync(stack.IdentityProvider.EntityId, stack.IdentityProvider.MetadataUrl.GetLeftPart(UriPartial.Authority));
            await new SimpleSamlPhpLoginPage(page).SignInAsync("alice", "alicepass");
            await portal.WaitForTokensAsync();

            Assert.Contains(AliceMail, await portal.ClaimValuesAsync("email"));
            Assert.Contains(DemoEntitlement, await portal.ClaimValuesAsync("eduperson_entitlement"));

            // One opaque community subject, the same in every token, never the upstream identifier.
            var subjects = await portal.ClaimValuesAsync("sub");
            var subject = Assert.Single(subjects.Distinct(StringComparer.Ordinal));
            Assert.False(string.IsNullOrWhiteSpace(subject));
            Assert.NotEqual(AliceSubjectId, subject, StringComparer.OrdinalIgnoreCase);
            Assert.NotEqual(AliceEduPersonPrincipalName, subject, StringComparer.OrdinalIgnoreCase);
            Assert.DoesNotContain("idp.example.org", subject, StringComparison.OrdinalIgnoreCase);
            Assert.Single(await portal.ClaimValuesAsync("id_token", "sub"));
        });
    }
}
