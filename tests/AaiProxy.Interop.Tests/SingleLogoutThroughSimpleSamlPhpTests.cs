using System.Xml;
using AaiProxy.Interop.Tests.Harness;
using AaiProxy.Interop.Tests.Portal;
using AaiProxy.Saml;
using Microsoft.Playwright;

namespace AaiProxy.Interop.Tests;

/// <summary>
/// Issue 3, Single Logout with a real IdP: signing out of the demo portal (OIDC RP-initiated logout)
/// makes the proxy send a signed LogoutRequest to SimpleSAMLphp, which verifies it (validate.logout),
/// ends its session and answers with a signed LogoutResponse; the proxy then completes the end
/// session back to the portal.
/// </summary>
public sealed class SingleLogoutThroughSimpleSamlPhpTests(ITestOutputHelper output)
{
    private const string ProxySingleLogoutPath = "/saml/slo";
    private const string RsaSha256 = "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256";
    private const string Success = "urn:oasis:names:tc:SAML:2.0:status:Success";

    [SkippableFact]
    public async Task Sign_out_from_the_portal_ends_the_SimpleSAMLphp_session_through_single_logout()
    {
        await using var stack = await SamlLoginStack.StartAsync(output, AssertionProtection.Signed);
        var idp = stack.IdentityProvider;
        var idpOrigin = idp.MetadataUrl.GetLeftPart(UriPartial.Authority);
        await stack.RunAsync(nameof(Sign_out_from_the_portal_ends_the_SimpleSAMLphp_session_through_single_logout), async page =>
        {
            var portal = new PortalPage(page, stack.Proxy.BaseUrl);
            await portal.OpenAsync();
            await portal.SignInAsync();
            await portal.ChooseIdentityProviderIfAskedAsync(idp.EntityId, idpOrigin);
            await new SimpleSamlPhpLoginPage(page).SignInAsync("alice", "alicepass");
            await portal.WaitForTokensAsync();

            var navigations = new List<string>();
            void Record(object? sender, IRequest request)
            {
                if (request.IsNavigationRequest && request.Frame == page.MainFrame)
                {
                    lock (navigations)
                    {
                        navigations.Add(request.Url);
                    }
                }
            }

            page.Request += Record;
            await portal.SignOutAsync();
            await portal.WaitForSignedOutAsync();
            page.Request -= Record;
            output.WriteLine("Sign-out navigations:\n" + string.Join('\n', navigations));

            // Portal -> proxy end session -> SimpleSAMLphp's SingleLogoutService -> proxy /saml/slo -> portal.
            var toIdp = Assert.Single(navigations, url => url.StartsWith(idp.SingleLogoutServiceUrl.AbsoluteUri, StringComparison.Ordinal));
            var backToProxy = Assert.Single(navigations, url => url.StartsWith(new Uri(stack.Proxy.BaseUrl, ProxySingleLogoutPath).AbsoluteUri, StringComparison.Ordinal));
            Assert.True(navigations.IndexOf(toIdp) < navigations.IndexOf(backToProxy), "the IdP's answer came before the request");
            Assert.Equal(PortalPage.Path, new Uri(navigations[^1]).AbsolutePath.TrimEnd('/'));

            // Our LogoutRequest went signed (query signature, RSA-SHA256); SimpleSAMLphp checked it.
            var requestQuery = RedirectBindingQuery.Of(toIdp);
            Assert.Equal(RsaSha256, requestQuery["SigAlg"]);
            Assert.False(string.IsNullOrEmpty(requestQuery["Signature"]));
            var logoutRequest = Protocol(requestQuery.Message("SAMLRequest"), "LogoutRequest");

            // SimpleSAMLphp's LogoutResponse: signed, answering our request, status Success.
            var responseQuery = RedirectBindingQuery.Of(backToProxy);
            Assert.False(string.IsNullOrEmpty(responseQuery["Signature"]));
            var logoutResponse = Protocol(responseQuery.Message("SAMLResponse"), "LogoutResponse");
            Assert.Equal(logoutRequest.GetAttribute("ID"), logoutResponse.GetAttribute("InResponseTo"));
            var statusCode = logoutResponse.SelectSingleNode("samlp:Status/samlp:StatusCode/@Value", Namespaces(logoutResponse));
            Assert.Equal(Success, statusCode?.Value);

            // The proxy accepted it (event 3009), not just passed the browser through.
            Assert.True(await stack.Proxy.WaitForLogAsync($"SAML LogoutResponse from {idp.EntityId}: {Success}", TimeSpan.FromSeconds(5)),
                "the proxy logged no successful LogoutResponse (event 3009)");

            // The IdP session really ended: signing in again asks for the password instead of
            // silently issuing a new assertion.
            await portal.SignInAsync();
            await portal.ChooseIdentityProviderIfAskedAsync(idp.EntityId, idpOrigin);
            var loginForm = page.Locator("input[name=\"password\"]");
            await loginForm.Or(page.Locator("[data-token=\"id_token\"]")).First.WaitForAsync();
            Assert.True(await loginForm.IsVisibleAsync(), $"signing in again did not show SimpleSAMLphp's login form but {page.Url}");
            Assert.StartsWith(idpOrigin, page.Url, StringComparison.Ordinal);
        });
    }

    private static XmlElement Protocol(XmlDocument message, string expectedElement)
    {
        var root = message.DocumentElement!;
        Assert.Equal((SamlNamespaces.Protocol, expectedElement), (root.NamespaceURI, root.LocalName));
        return root;
    }

    private static XmlNamespaceManager Namespaces(XmlElement element)
    {
        var namespaces = new XmlNamespaceManager(element.OwnerDocument.NameTable);
        namespaces.AddNamespace("samlp", SamlNamespaces.Protocol);
        return namespaces;
    }
}
