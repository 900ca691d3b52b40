using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using System.Security.Cryptography.X509Certificates;
using System.Xml;
using System.Xml.Linq;
using AaiProxy.Saml;
using AaiProxy.Saml.Attributes;
using AaiProxy.Saml.IdentityProvider;
using AaiProxy.Server.Demo.IdentityProvider;
using AaiProxy.Server.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.AspNetCore.WebUtilities;

namespace AaiProxy.Server.Tests.Saml;

/// <summary>Steps of a browser through the proxy's SAML login, for tests that stop, alter or repeat one.</summary>
internal static partial class SamlBrowserSteps
{
    public const string RefedsMfa = "https://refeds.org/profile/mfa";

    /// <summary>A demo-portal authorization request, optionally asking for <paramref name="acrValues"/>.</summary>
    public static string AuthorizeUrl(string? acrValues = null)
    {
        var request = OidcTestClient.AuthorizationRequest(OidcTestClient.NewPkce());
        if (acrValues is not null)
        {
            request["acr_values"] = acrValues;
        }

        return QueryHelpers.AddQueryString("/connect/authorize", request);
    }

    /// <summary>Starts an authorization request and returns the proxy's redirect to the upstream login (the demo IdP).</summary>
    public static async Task<Uri> LoginPageAsync(HttpClient browser, string? acrValues = null)
    {
        using var response = await browser.GetAsync(AuthorizeUrl(acrValues));
        var location = new Uri(browser.BaseAddress!, response.Headers.Location!);
        Assert.Equal(UpstreamLogin.DemoIdentityProviderSignOn, location.AbsolutePath);
        return location;
    }

    /// <summary>Runs a login up to the IdP's answer, which is returned unposted.</summary>
    public static async Task<AcsForm> ObtainResponseAsync(HttpClient browser, string user, string? acrValues = null) =>
        await UpstreamLogin.ObtainResponseAsync(browser, await LoginPageAsync(browser, acrValues), user);

    /// <summary>The NameID and SessionIndex of an unencrypted assertion in the IdP's answer: what a LogoutRequest names.</summary>
    public static (string NameId, string SessionIndex) SubjectOf(AcsForm form)
    {
        var assertion = form.ResponseXml();
        var nameId = Assert.Single(assertion.GetElementsByTagName("NameID", SamlNamespaces.Assertion).Cast<XmlElement>()).InnerText;
        var authnStatement = Assert.Single(assertion.GetElementsByTagName("AuthnStatement", SamlNamespaces.Assertion).Cast<XmlElement>());
        return (nameId, authnStatement.GetAttribute("SessionIndex"));
    }

    /// <summary>An IdP-initiated LogoutRequest of the demo IdP for <paramref name="nameId"/>'s session (unsigned XML; the
    /// HTTP-Redirect binding signs it).</summary>
    public static string IdentityProviderLogoutRequest(DemoIdentityProvider idp, ServiceProviderSettings serviceProvider, string nameId,
        string sessionIndex, out string id)
    {
        XNamespace samlp = SamlNamespaces.Protocol;
        XNamespace saml = SamlNamespaces.Assertion;
        id = "_" + Guid.NewGuid().ToString("N");
        return new XElement(samlp + "LogoutRequest",
            new XAttribute(XNamespace.Xmlns + "samlp", samlp),
            new XAttribute(XNamespace.Xmlns + "saml", saml),
            new XAttribute("ID", id),
            new XAttribute("Version", "2.0"),
            new XAttribute("IssueInstant", DateTime.UtcNow.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture)),
            new XAttribute("Destination", serviceProvider.SingleLogoutServiceUrl.AbsoluteUri),
            new XElement(saml + "Issuer", idp.EntityId),
            new XElement(saml + "NameID", new XAttribute("Format", "urn:oasis:names:tc:SAML:2.0:nameid-format:persistent"), nameId),
            new XElement(samlp + "SessionIndex", sessionIndex)).ToString(SaveOptions.DisableFormatting);
    }

    /// <summary>Whether the browser has a proxy session: an authorization request then needs no login.</summary>
    public static async Task<bool> IsSignedInAsync(HttpClient browser)
    {
        using var response = await browser.GetAsync(AuthorizeUrl());
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        return !UpstreamLogin.IsUpstreamLoginStart(new Uri(browser.BaseAddress!, response.Headers.Location!));
    }

    /// <summary>Another jar with the same cookies: the same browser state, e.g. on another node.</summary>
    public static CookieContainer CopyCookies(CookieContainer cookies)
    {
        var copy = new CookieContainer();
        foreach (Cookie cookie in cookies.GetAllCookies())
        {
            copy.Add(new Cookie(cookie.Name, cookie.Value, cookie.Path, cookie.Domain));
        }

        return copy;
    }

    /// <summary>
    /// A Response the demo IdP signs (with its own key) answering the same request as <paramref name="genuine"/>,
    /// for alice's subject-id, with what a test changes: the audience, the key it is encrypted for, the AuthnInstant.
    /// </summary>
    public static XmlDocument IssuedByTheDemoIdentityProvider(ProxyFactory factory, XmlDocument genuine, string? audience = null,
        X509Certificate2? encryptFor = null, DateTimeOffset? authnInstant = null)
    {
        var idp = factory.Services.GetRequiredService<DemoIdentityProvider>();
        var serviceProvider = factory.Services.GetRequiredService<ServiceProviderSettings>();
        var xml = new SamlResponseWriter(idp.EntityId, idp.SigningCertificate, factory.Services.GetRequiredService<TimeProvider>()).Write(new SamlResponseContent(
            serviceProvider.AssertionConsumerServiceUrl, audience ?? serviceProvider.EntityId, genuine.DocumentElement!.GetAttribute("InResponseTo"),
            "alice-name-id", "session-1", RefedsMfa,
            [new SamlAttributeValues(SamlAttributeMap.SubjectId.Name, ["alice@university.example.org"])])
        {
            EncryptFor = encryptFor,
            AuthnInstant = authnInstant,
        });
        var document = new XmlDocument { PreserveWhitespace = true };
        document.LoadXml(xml);
        return document;
    }

    /// <summary>The page shown to a person whose sign-in failed.</summary>
    public static async Task<FailurePage> ReadFailurePageAsync(HttpResponseMessage response)
    {
        var html = await response.Content.ReadAsStringAsync();
        var correlationId = CorrelationIdElement().Match(html);
        Assert.True(correlationId.Success, $"No [data-correlation-id] on the page: {html}");
        return new FailurePage(response.StatusCode, html, WebUtility.HtmlDecode(correlationId.Groups[1].Value));
    }

    /// <summary>The one log line naming <paramref name="correlationId"/> that contains <paramref name="text"/>.</summary>
    public static string LogLine(ProxyFactory factory, string correlationId, string text) =>
        Assert.Single(factory.Logs.Lines, line => line.Contains(correlationId, StringComparison.Ordinal) &&
                                                  line.Contains(text, StringComparison.Ordinal));

    [GeneratedRegex("<code[^>]*data-correlation-id[^>]*>([^<]+)</code>")]
    private static partial Regex CorrelationIdElement();
}

/// <param name="Html">The whole page.</param>
internal sealed record FailurePage(HttpStatusCode Status, string Html, string CorrelationId)
{
    /// <summary>The page without its correlation id: what two failures of the same kind share.</summary>
    public string WithoutCorrelationId => Html.Replace(CorrelationId, "{correlation-id}", StringComparison.Ordinal);
}
