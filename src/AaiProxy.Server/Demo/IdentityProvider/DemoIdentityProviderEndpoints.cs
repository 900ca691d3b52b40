using AaiProxy.Upstream.Saml;
using AaiProxy.Server.Configuration;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Xml;
using AaiProxy.Saml;
using AaiProxy.Saml.Attributes;
using AaiProxy.Saml.Bindings;
using AaiProxy.Saml.IdentityProvider;
using AaiProxy.Saml.Logout;
using AaiProxy.Server.Oidc;
using AaiProxy.Server.Upstream.Saml;
using AaiProxy.Server.Web;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Options;

namespace AaiProxy.Server.Demo.IdentityProvider;

/// <summary>
/// The demo IdP's pages: receive the proxy's AuthnRequest, let the person pick a demo user, and post
/// a signed (by default also encrypted) SAML Response back to the proxy's ACS; answer Single Logout.
/// Only mapped when the demo is enabled.
/// </summary>
internal static class DemoIdentityProviderEndpoints
{
    private const string PasswordProtectedTransport = "urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport";
    private const string AutoSubmitScriptPath = DemoIdentityProvider.PathBase + "/autosubmit.js";

    public static IEndpointRouteBuilder MapDemoIdentityProvider(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet(DemoIdentityProvider.MetadataPath, (DemoIdentityProvider idp) =>
            Results.Text(idp.MetadataXml, "application/samlmetadata+xml"));
        endpoints.MapGet(AutoSubmitScriptPath, () =>
            Results.Text("document.forms[0].submit();\n", "text/javascript"));
        endpoints.MapGet(DemoIdentityProvider.SingleSignOnPath, ShowLoginPage);
        endpoints.MapPost(DemoIdentityProvider.SingleSignOnPath, CompleteLogin);
        endpoints.MapGet(DemoIdentityProvider.SingleLogoutPath, AnswerLogout);
        return endpoints;
    }

    /// <summary>An AuthnRequest the demo IdP accepted, carried through the user-choice form.</summary>
    private sealed record PendingLogin(string RequestId, string? RelayState, IReadOnlyList<string> RequestedContexts);

    private static IResult ShowLoginPage(HttpContext httpContext, ServiceProviderSettings serviceProvider,
        IOptions<ProxyOptions> proxy, IDataProtectionProvider dataProtection, IAntiforgery antiforgery)
    {
        var correlationId = CorrelationId.Of(httpContext);
        XmlElement request;
        HttpRedirectMessage message;
        try
        {
            message = httpContext.Request.DecodeSamlRedirect();
            // The demo IdP publishes WantAuthnRequestsSigned="true": an unsigned or forged request is refused.
            message.VerifySignature(serviceProvider.Keys.Current.SigningAccepted);
            request = message.Document.DocumentElement!;
        }
        catch (SamlBindingException ex)
        {
            return ErrorPage.Render(StatusCodes.Status400BadRequest, "invalid_authn_request", ex.Message, correlationId);
        }

        if (request.LocalName != "AuthnRequest" || request.NamespaceURI != SamlNamespaces.Protocol ||
            request.GetAttribute("AssertionConsumerServiceURL") != serviceProvider.AssertionConsumerServiceUrl.AbsoluteUri)
        {
            return ErrorPage.Render(StatusCodes.Status400BadRequest, "invalid_authn_request",
                "The demo identity provider only answers AuthnRequests from this proxy.", correlationId);
        }

        var requested = request.GetElementsByTagName("AuthnContextClassRef", SamlNamespaces.Assertion)
            .Cast<XmlElement>().Select(element => element.InnerText.Trim()).ToList();
        var pending = Protector(dataProtection).Protect(JsonSerializer.Serialize(
            new PendingLogin(request.GetAttribute("ID"), message.RelayState, requested)));
        var tokens = antiforgery.GetAndStoreTokens(httpContext);

        var users = new StringBuilder();
        foreach (var user in proxy.Value.Demo.Users)
        {
            var mfa = user.AuthenticationContextClass is { } context && context != PasswordProtectedTransport ? " (multi-factor)" : "";
            users.Append("<li><button type=\"submit\" name=\"username\" value=\"").Append(HtmlPage.Encode(user.Username))
                .Append("\" data-user=\"").Append(HtmlPage.Encode(user.Username)).Append("\">")
                .Append(HtmlPage.Encode(user.DisplayName)).Append(HtmlPage.Encode(mfa)).Append("</button></li>");
        }

        var asked = requested.Count == 0 ? "" : $"<p>The service asks for: <code>{HtmlPage.Encode(string.Join(" ", requested))}</code></p>";
        return HtmlPage.Render("Demo identity provider",
            $"""
            <p><strong>Development only.</strong> Pick a demo person to sign in as; this identity provider
            answers the proxy with a real, signed SAML response.</p>
            {asked}
            <form method="post" action="{DemoIdentityProvider.SingleSignOnPath}">
            <input type="hidden" name="{HtmlPage.Encode(tokens.FormFieldName)}" value="{HtmlPage.Encode(tokens.RequestToken)}">
            <input type="hidden" name="request" value="{HtmlPage.Encode(pending)}">
            <ul>{users}</ul>
            </form>
            """);
    }

    private static IResult CompleteLogin(HttpContext httpContext, [Microsoft.AspNetCore.Mvc.FromForm] string request,
        [Microsoft.AspNetCore.Mvc.FromForm] string username, DemoIdentityProvider idp, ServiceProviderSettings serviceProvider,
        IOptions<ProxyOptions> proxy, IDataProtectionProvider dataProtection, TimeProvider time)
    {
        var correlationId = CorrelationId.Of(httpContext);
        PendingLogin? pending;
        try
        {
            pending = JsonSerializer.Deserialize<PendingLogin>(Protector(dataProtection).Unprotect(request));
        }
        catch (Exception ex) when (ex is CryptographicException or JsonException)
        {
            pending = null;
        }

        var user = proxy.Value.Demo.Users.FirstOrDefault(u => u.Username == username);
        if (pending is null || user is null)
        {
            return ErrorPage.Render(StatusCodes.Status400BadRequest, "invalid_request",
                "The demo sign-in form was incomplete or has been tampered with.", correlationId);
        }

        var writer = new SamlResponseWriter(idp.EntityId, idp.SigningCertificate, time);
        var achieved = user.AuthenticationContextClass ?? PasswordProtectedTransport;
        var xml = pending.RequestedContexts.Count > 0 && !pending.RequestedContexts.Contains(achieved)
            // Core 3.3.2.2.1: an IdP that cannot satisfy an exact RequestedAuthnContext says NoAuthnContext.
            ? writer.WriteStatus(serviceProvider.AssertionConsumerServiceUrl, pending.RequestId, SamlStatusCodes.Responder,
                SamlStatusCodes.NoAuthnContext, $"{user.DisplayName} cannot authenticate with {string.Join(" ", pending.RequestedContexts)}.")
            : writer.Write(new SamlResponseContent(
                serviceProvider.AssertionConsumerServiceUrl,
                serviceProvider.EntityId,
                pending.RequestId,
                idp.PersistentNameId(user.Username),
                WebEncoders.Base64UrlEncode(RandomNumberGenerator.GetBytes(16)),
                achieved,
                Attributes(user))
            {
                EncryptFor = proxy.Value.Demo.EncryptAssertions ? serviceProvider.DecryptionCertificates[0] : null,
            });

        return Results.Content(HttpPostBinding.RenderForm(serviceProvider.AssertionConsumerServiceUrl, SamlMessageKind.Response,
            xml, pending.RelayState, AutoSubmitScriptPath), "text/html; charset=utf-8");
    }

    /// <summary>Answers the proxy's LogoutRequest with Success (the demo IdP keeps no sessions of its own).</summary>
    private static IResult AnswerLogout(HttpContext httpContext, DemoIdentityProvider idp, ServiceProviderSettings serviceProvider,
        TimeProvider time)
    {
        HttpRedirectMessage message;
        try
        {
            message = httpContext.Request.DecodeSamlRedirect();
            message.VerifySignature(serviceProvider.Keys.Current.SigningAccepted);
        }
        catch (SamlBindingException ex)
        {
            return ErrorPage.Render(StatusCodes.Status400BadRequest, "invalid_logout_request", ex.Message, CorrelationId.Of(httpContext));
        }

        return Results.Redirect(LogoutResponseWriter.EncodeRedirect(idp.EntityId, serviceProvider.SingleLogoutServiceUrl,
            message.Document.DocumentElement!.GetAttribute("ID"), SamlStatusCodes.Success, secondLevelStatusCode: null,
            message.RelayState, idp.SigningCertificate, time.GetUtcNow()));
    }

    private static List<SamlAttributeValues> Attributes(DemoUser user) =>
    [
        .. user.Attributes.Select(attribute => new SamlAttributeValues(
            (SamlAttributeMapping.ForInternalName(attribute.Key)
             ?? throw new InvalidOperationException($"Demo user '{user.Username}' has attribute '{attribute.Key}', which no SAML attribute maps to.")).Name,
            attribute.Value)),
    ];

    private static IDataProtector Protector(IDataProtectionProvider dataProtection) =>
        dataProtection.CreateProtector("AaiProxy.Server.Demo", "IdentityProvider", "v1");
}
