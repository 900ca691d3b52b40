using AaiProxy.Identity;
using AaiProxy.Server.Logout;
using AaiProxy.Server.Session;
using AaiProxy.Server.Upstream;
using AaiProxy.Server.Web;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
using OpenIddict.Abstractions;
using OpenIddict.Server.AspNetCore;

namespace AaiProxy.Server.Oidc;

/// <summary>
/// RP-initiated logout (OpenID Connect RP-Initiated Logout 1.0). A request that proves it comes from the
/// person's own client (an <c>id_token_hint</c> for this session's person) ends the session at once; any other
/// request asks the person to confirm, so that no other site can sign them out (logout CSRF). Clients of the session
/// with only a front-channel logout URI are then loaded in iframes of a page whose form continues here. The session
/// then ends the way its upstream protocol wants (SAML Single Logout), coming back here to finish.
/// </summary>
internal static class EndSessionEndpoint
{
    private const string ConfirmField = "confirm";

    /// <summary>Set by the front-channel page's form: its iframes were shown, the sign-out may go on.</summary>
    private const string FrontChannelShownField = "frontchannel_shown";

    public static async Task<IResult> HandleAsync(HttpContext httpContext, UpstreamLogout upstreamLogout, ClientLogout clientLogout,
        IAntiforgery antiforgery, IOptions<AntiforgeryOptions> antiforgeryOptions, ILogger<AuthorizationLog> logger)
    {
        var tokenField = antiforgeryOptions.Value.FormFieldName;
        var session = await ProxySession.ReadAsync(httpContext);
        if (session is not null && !await IsHintedAsync(httpContext, session) && !await IsConfirmedAsync(httpContext, antiforgery))
        {
            Log.LogoutConfirmationAsked(logger, CorrelationId.Of(httpContext));
            return ConfirmationPage(httpContext, antiforgery, tokenField);
        }

        // Front-Channel Logout 1.0: clients without a back-channel endpoint are signed out by iframes in this browser,
        // shown before the session ends (the page's form then comes back here, confirmed, to end it).
        if (session is not null && !await IsFrontChannelShownAsync(httpContext, antiforgery) &&
            await clientLogout.FrontChannelLogoutsAsync(session, httpContext.RequestAborted) is { Count: > 0 } frames)
        {
            return FrontChannelPage(httpContext, antiforgery, tokenField, frames);
        }

        // The upstream's answer brings the browser back to this same request, which then finds no session.
        if (await upstreamLogout.SignOutAsync(httpContext, ReturnUrl(httpContext, tokenField)) is { } upstream)
        {
            return upstream;
        }

        // OpenIddict redirects to the validated post_logout_redirect_uri, or else to RedirectUri.
        return Results.SignOut(new AuthenticationProperties { RedirectUri = "/" }, [OpenIddictServerAspNetCoreDefaults.AuthenticationScheme]);
    }

    // OpenIddict has validated id_token_hint (signature, issuer) when present; it must name this session's person, as the
    // client it was issued to knows them (a pairwise client by its sector's sub).
    private static async Task<bool> IsHintedAsync(HttpContext httpContext, ProxySession session)
    {
        var hint = await httpContext.AuthenticateAsync(OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
        var pairwise = httpContext.RequestServices.GetRequiredService<PairwiseSubjects>();
        return hint.Principal?.GetClaim(OpenIddictConstants.Claims.Subject) is { } subject &&
               (subject == session.AccountId || hint.Principal.GetAudiences().Any(client => subject == pairwise.SubjectFor(session.AccountId, client)));
    }

    private static async Task<bool> IsConfirmedAsync(HttpContext httpContext, IAntiforgery antiforgery) =>
        HttpMethods.IsPost(httpContext.Request.Method) && httpContext.Request.HasFormContentType &&
        httpContext.Request.Form[ConfirmField] == "yes" && await antiforgery.IsRequestValidAsync(httpContext);

    private static async Task<bool> IsFrontChannelShownAsync(HttpContext httpContext, IAntiforgery antiforgery) =>
        HttpMethods.IsPost(httpContext.Request.Method) && httpContext.Request.HasFormContentType &&
        httpContext.Request.Form[FrontChannelShownField] == "yes" && await antiforgery.IsRequestValidAsync(httpContext);

    private static IResult FrontChannelPage(HttpContext httpContext, IAntiforgery antiforgery, string tokenField, IReadOnlyList<Uri> frames)
    {
        var tokens = antiforgery.GetAndStoreTokens(httpContext);
        var iframes = string.Concat(frames.Select((frame, index) =>
            $"""<iframe hidden src="{HtmlPage.Encode(frame.AbsoluteUri)}" title="Signing out of service {index + 1}" data-frontchannel-logout></iframe>"""));
        return HtmlPage.Render("Signing out",
            $"""
            <p>You are being signed out of the services you used in this session.</p>
            {iframes}
            <form method="post" action="{ConnectEndpoints.EndSession}">
            <input type="hidden" name="{HtmlPage.Encode(tokens.FormFieldName)}" value="{HtmlPage.Encode(tokens.RequestToken)}">
            <input type="hidden" name="{ConfirmField}" value="yes">
            {HiddenFields(httpContext, tokenField)}
            <button type="submit" name="{FrontChannelShownField}" value="yes" data-testid="continue-sign-out">Continue</button>
            </form>
            """);
    }

    private static string HiddenFields(HttpContext httpContext, string tokenField) =>
        string.Concat(Parameters(httpContext, tokenField).Select(parameter =>
            $"""<input type="hidden" name="{HtmlPage.Encode(parameter.Key)}" value="{HtmlPage.Encode(parameter.Value)}">"""));

    private static IResult ConfirmationPage(HttpContext httpContext, IAntiforgery antiforgery, string tokenField)
    {
        var tokens = antiforgery.GetAndStoreTokens(httpContext);
        var fields = HiddenFields(httpContext, tokenField);
        return HtmlPage.Render("Sign out?",
            $"""
            <p>A service asks to sign you out. Do you want to sign out?</p>
            <form method="post" action="{ConnectEndpoints.EndSession}">
            <input type="hidden" name="{HtmlPage.Encode(tokens.FormFieldName)}" value="{HtmlPage.Encode(tokens.RequestToken)}">
            {fields}
            <button type="submit" name="{ConfirmField}" value="yes" data-testid="confirm-sign-out">Sign out</button>
            <a href="/" data-testid="stay-signed-in">Stay signed in</a>
            </form>
            """);
    }

    private static string ReturnUrl(HttpContext httpContext, string tokenField) =>
        httpContext.Request.PathBase + httpContext.Request.Path + QueryString.Create(Parameters(httpContext, tokenField));

    // The end-session request's own parameters (query or form), without the confirmation's.
    private static List<KeyValuePair<string, string?>> Parameters(HttpContext httpContext, string tokenField)
    {
        IEnumerable<KeyValuePair<string, Microsoft.Extensions.Primitives.StringValues>> source =
            httpContext.Request.HasFormContentType ? httpContext.Request.Form : httpContext.Request.Query;
        return [.. source.Where(parameter => parameter.Key != ConfirmField && parameter.Key != FrontChannelShownField && parameter.Key != tokenField)
            .Select(parameter => new KeyValuePair<string, string?>(parameter.Key, parameter.Value.ToString()))];
    }
}
