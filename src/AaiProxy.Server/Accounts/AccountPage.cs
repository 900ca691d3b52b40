using System.Globalization;
using System.Text;
using AaiProxy.Data;
using AaiProxy.Identity;
using AaiProxy.Server.Session;
using AaiProxy.Server.Upstream;
using AaiProxy.Server.Web;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
using OpenIddict.Abstractions;

namespace AaiProxy.Server.Accounts;

/// <summary>
/// <c>/account</c>: the signed-in person's own account. Linked identities (link another through any upstream choice,
/// unlink keeping at least one), e-mail addresses, AUP acceptances, the services they signed in to (OpenIddict
/// authorizations), "sign out everywhere", "export my data" (JSON) and "delete my account". Every change is a POST
/// with an antiforgery token.
/// </summary>
internal static class AccountPage
{
    public const string Path = "/account";
    public const string LinkPath = Path + "/link";
    public const string UnlinkPath = Path + "/unlink";
    public const string SignOutEverywherePath = Path + "/sign-out-everywhere";
    public const string ExportPath = Path + "/export";
    public const string DeletePath = Path + "/delete";
    public const string RevokeConsentPath = Path + "/consents/revoke";

    public static IEndpointRouteBuilder MapAccountPage(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet(Path, ShowAsync);
        endpoints.MapGet(ExportPath, ExportAsync);
        endpoints.MapPost(LinkPath, LinkAsync).DisableAntiforgery().WithRateLimitedEndpoint(RateLimitedEndpoints.Login);
        endpoints.MapPost(UnlinkPath, UnlinkAsync).DisableAntiforgery();
        endpoints.MapPost(SignOutEverywherePath, SignOutEverywhereAsync).DisableAntiforgery();
        endpoints.MapPost(DeletePath, DeleteAsync).DisableAntiforgery();
        endpoints.MapPost(RevokeConsentPath, RevokeConsentAsync).DisableAntiforgery();
        return endpoints;
    }

    private static async Task<IResult> ShowAsync(HttpContext httpContext, AccountStore store, UpstreamChoices choices, IAntiforgery antiforgery,
        AccountAdministration administration, IOpenIddictAuthorizationManager authorizations, IOpenIddictApplicationManager applications,
        Consents consents, LoginRequests loginRequests, IOptions<AccountsOptions> options, string? notice)
    {
        var message = notice is null ? null : Notices.GetValueOrDefault(notice);
        if (await SignedInAsync(httpContext, store) is not var (session, details))
        {
            return await SignInFirstAsync(choices, loginRequests, httpContext.RequestAborted);
        }

        var tokens = antiforgery.GetAndStoreTokens(httpContext);
        var antiforgeryField = $"""<input type="hidden" name="{HtmlPage.Encode(tokens.FormFieldName)}" value="{HtmlPage.Encode(tokens.RequestToken)}">""";
        var account = details.Account;
        var html = new StringBuilder();
        if (message is not null)
        {
            html.Append("<p role=\"status\" data-account-message>").Append(HtmlPage.Encode(message)).Append("</p>");
        }

        html.Append("<dl>")
            .Append("<dt>Name</dt><dd>").Append(HtmlPage.Encode(account.DisplayName ?? "(not known)")).Append("</dd>")
            .Append("<dt>Username</dt><dd>").Append(HtmlPage.Encode(account.PreferredUsername)).Append("</dd>")
            .Append("<dt>Community identifier</dt><dd><code data-account-sub>").Append(HtmlPage.Encode(account.Id)).Append("</code></dd>");
        if (account.Orcid is { } orcid)
        {
            html.Append("<dt>ORCID iD</dt><dd>").Append(HtmlPage.Encode(orcid)).Append("</dd>");
        }

        html.Append("</dl><h2>Linked identities</h2><table><tr><th>identity provider</th><th>protocol</th><th>first seen</th><th>last seen</th><th></th></tr>");
        var all = await choices.ListAsync(httpContext.RequestAborted);
        foreach (var link in details.Links)
        {
            var name = all.FirstOrDefault(choice => choice.Provider == link.Upstream.Issuer)?.DisplayName ?? link.Upstream.Issuer;
            html.Append("<tr data-linked-issuer=\"").Append(HtmlPage.Encode(link.Upstream.Issuer)).Append("\"><td>").Append(HtmlPage.Encode(name))
                .Append("</td><td>").Append(HtmlPage.Encode(link.Upstream.Protocol))
                .Append("</td><td>").Append(Time(link.FirstSeenAt)).Append("</td><td>").Append(Time(link.LastSeenAt)).Append("</td><td>");
            if (link.LinkId == session.LinkId)
            {
                html.Append("(this session)");
            }
            else if (details.Links.Count > 1)
            {
                html.Append($"""<form method="post" action="{UnlinkPath}">{antiforgeryField}<input type="hidden" name="link" value="{HtmlPage.Encode(link.LinkId)}"><button type="submit">Unlink</button></form>""");
            }

            html.Append("</td></tr>");
        }

        html.Append("</table><h3>Link another identity</h3>")
            .Append("<p>Sign in once with another identity provider (another university, ORCID, a community AAI) to reach this account through it too.</p>")
            .Append($"""<form method="post" action="{LinkPath}">{antiforgeryField}<ul>""");
        foreach (var choice in all.OrderBy(choice => choice.DisplayName, StringComparer.OrdinalIgnoreCase).Take(AaiProxy.Server.Upstream.Discovery.DiscoveryEndpoints.MaxResults))
        {
            html.Append("<li><button type=\"submit\" name=\"provider\" value=\"").Append(HtmlPage.Encode(choice.Provider))
                .Append("\" data-link-provider=\"").Append(HtmlPage.Encode(choice.Provider)).Append("\">").Append(HtmlPage.Encode(choice.DisplayName))
                .Append("</button></li>");
        }

        html.Append("</ul></form><h2>E-mail addresses</h2><ul>");
        foreach (var email in account.Emails)
        {
            html.Append("<li>").Append(HtmlPage.Encode(email.Address)).Append(email.Verified ? " (verified)" : " (not verified)").Append("</li>");
        }

        html.Append("</ul><h2>Acceptable use policy</h2><ul>");
        foreach (var acceptance in account.AupAcceptances)
        {
            html.Append("<li>Version ").Append(HtmlPage.Encode(acceptance.Version)).Append(", accepted ").Append(Time(acceptance.AcceptedAt)).Append("</li>");
        }

        html.Append("</ul><h2>Services you allowed</h2>");
        var allowed = await consents.ListAsync(account.Id, httpContext.RequestAborted);
        if (allowed.Count == 0)
        {
            html.Append("<p>You have not allowed any service outside the facility to receive your information.</p>");
        }
        else
        {
            html.Append("<p>These services receive the information of the listed scopes whenever you sign in to them. Withdrawing ends their access")
                .Append(" on your behalf at once; they ask you again at your next sign-in.</p>")
                .Append("<table><tr><th scope=\"col\">service</th><th scope=\"col\">allowed</th><th scope=\"col\">scopes</th><th scope=\"col\"></th></tr>");
            foreach (var consent in allowed)
            {
                html.Append("<tr data-consent=\"").Append(HtmlPage.Encode(consent.ClientId)).Append("\"><td>").Append(HtmlPage.Encode(consent.ClientName))
                    .Append("</td><td>").Append(consent.GrantedAt is { } at ? Time(at) : "").Append("</td><td>")
                    .Append(HtmlPage.Encode(string.Join(' ', consent.Scopes))).Append("</td><td>")
                    .Append($"""<form method="post" action="{RevokeConsentPath}">{antiforgeryField}<input type="hidden" name="consent" value="{HtmlPage.Encode(consent.AuthorizationId)}"><button type="submit" aria-label="Withdraw {HtmlPage.Encode(consent.ClientName)}">Withdraw</button></form>""")
                    .Append("</td></tr>");
            }

            html.Append("</table>");
        }

        html.Append("<h2>Services you signed in to</h2><table><tr><th>service</th><th>since</th><th>scopes</th></tr>");
        foreach (var subject in administration.SubjectsOf(account.Id))
        {
            await foreach (var authorization in authorizations.FindBySubjectAsync(subject, httpContext.RequestAborted))
            {
                // Consents are listed above.
                if (await authorizations.GetStatusAsync(authorization, httpContext.RequestAborted) != OpenIddictConstants.Statuses.Valid ||
                    await authorizations.GetTypeAsync(authorization, httpContext.RequestAborted) == OpenIddictConstants.AuthorizationTypes.Permanent)
                {
                    continue;
                }

                var application = await authorizations.GetApplicationIdAsync(authorization, httpContext.RequestAborted) is { } applicationId
                    ? await applications.FindByIdAsync(applicationId, httpContext.RequestAborted)
                    : null;
                var service = application is null ? "(unknown)"
                    : await applications.GetDisplayNameAsync(application, httpContext.RequestAborted) ?? await applications.GetClientIdAsync(application, httpContext.RequestAborted);
                var created = await authorizations.GetCreationDateAsync(authorization, httpContext.RequestAborted);
                var scopes = await authorizations.GetScopesAsync(authorization, httpContext.RequestAborted);
                html.Append("<tr data-authorization><td>").Append(HtmlPage.Encode(service)).Append("</td><td>")
                    .Append(created is { } at ? Time(at) : "").Append("</td><td>").Append(HtmlPage.Encode(string.Join(' ', scopes))).Append("</td></tr>");
            }
        }

        var retention = options.Value.AuditRetention;
        html.Append($"""
            </table>
            <form method="post" action="{SignOutEverywherePath}">{antiforgeryField}<button type="submit" id="sign-out-everywhere">Sign out everywhere</button></form>
            <p>Ends every session at this service and withdraws every service's access on your behalf (they will ask you to sign in again).</p>
            <h2>Your data</h2>
            <p><a href="{ExportPath}" download>Export my data (JSON)</a></p>
            <h3>Delete my account</h3>
            <p>Deleting removes your linked identities and what they released, your e-mail addresses, AUP acceptances and group memberships.
            Your community identifier and username are kept, marked deleted, so that they are never given to anyone else.
            The audit log keeps its records of changes to your account (naming it only by that identifier) for {retention.TotalDays.ToString("0", CultureInfo.InvariantCulture)} days.</p>
            <form method="post" action="{DeletePath}">{antiforgeryField}
            <p><input type="checkbox" id="confirm-delete" name="confirm" value="yes" required> <label for="confirm-delete">Yes, delete my account</label></p>
            <button type="submit" id="delete-account">Delete my account</button></form>
            """);
        return HtmlPage.Render("Your account", html.ToString());
    }

    private static async Task<IResult> ExportAsync(HttpContext httpContext, AccountStore store, UpstreamChoices choices, LoginRequests loginRequests)
    {
        if (await SignedInAsync(httpContext, store) is not var (session, _))
        {
            return await SignInFirstAsync(choices, loginRequests, httpContext.RequestAborted);
        }

        var export = await store.ExportAsync(session.AccountId, httpContext.RequestAborted);
        httpContext.Response.Headers.ContentDisposition = "attachment; filename=\"my-account.json\"";
        return Results.Text(export!.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true }), "application/json", Encoding.UTF8);
    }

    private static async Task<IResult> LinkAsync(HttpContext httpContext, AccountStore store, UpstreamChoices choices, IAntiforgery antiforgery)
    {
        if (await PostedAsync(httpContext, store, antiforgery) is not var (session, _, form))
        {
            return Refused(httpContext);
        }

        if (await choices.FindAsync(form["provider"], httpContext.RequestAborted) is not { } choice)
        {
            return ErrorPage.Render(StatusCodes.Status400BadRequest, "unknown_identity_provider",
                "The identity provider you chose is not known to this service.", CorrelationId.Of(httpContext));
        }

        var properties = new RequestedAuthentication(Path, choice.Provider, [], Force: true).ToProperties();
        return Results.Challenge(LinkRequest.Mark(properties, session.AccountId), [choice.Scheme]);
    }

    private static async Task<IResult> UnlinkAsync(HttpContext httpContext, AccountStore store, IAntiforgery antiforgery)
    {
        if (await PostedAsync(httpContext, store, antiforgery) is not var (session, _, form))
        {
            return Refused(httpContext);
        }

        var linkId = form["link"].ToString();
        var done = linkId != session.LinkId && await store.UnlinkAsync(session.AccountId, linkId, httpContext.RequestAborted);
        return Results.Redirect(Path + (done ? "" : "?notice=unlink-refused"));
    }

    private static async Task<IResult> SignOutEverywhereAsync(HttpContext httpContext, AccountStore store, IAntiforgery antiforgery,
        AccountAdministration administration)
    {
        if (await PostedAsync(httpContext, store, antiforgery) is not var (session, _, _))
        {
            return Refused(httpContext);
        }

        await administration.SignOutEverywhereAsync(session.AccountId, httpContext.RequestAborted);
        await httpContext.SignOutAsync(SessionDefaults.Scheme);
        return HtmlPage.Render("Signed out everywhere",
            "<p data-signed-out-everywhere>Every session of your account has ended and every service's access on your behalf was withdrawn.</p>");
    }

    private static async Task<IResult> DeleteAsync(HttpContext httpContext, AccountStore store, IAntiforgery antiforgery,
        AccountAdministration administration, IOptions<AccountsOptions> options)
    {
        if (await PostedAsync(httpContext, store, antiforgery) is not var (session, _, form))
        {
            return Refused(httpContext);
        }

        if (form["confirm"] != "yes")
        {
            return Results.Redirect(Path + "?notice=delete-unconfirmed");
        }

        await administration.DeleteAsync(session.AccountId, AuditActors.Person(session.AccountId), httpContext.RequestAborted);
        await httpContext.SignOutAsync(SessionDefaults.Scheme);
        return HtmlPage.Render("Account deleted",
            $"""
            <p data-account-deleted>Your account is deleted. The audit log keeps its records of changes to it, naming it only by its identifier,
            for {options.Value.AuditRetention.TotalDays.ToString("0", CultureInfo.InvariantCulture)} days.</p>
            """);
    }

    private static async Task<IResult> RevokeConsentAsync(HttpContext httpContext, AccountStore store, IAntiforgery antiforgery, Consents consents,
        ILogger<Consents> logger)
    {
        if (await PostedAsync(httpContext, store, antiforgery) is not var (session, _, form))
        {
            return Refused(httpContext);
        }

        var authorizationId = form["consent"].ToString();
        if (!await consents.RevokeAsync(session.AccountId, authorizationId, httpContext.RequestAborted))
        {
            return Results.Redirect(Path + "?notice=consent-unknown");
        }

        Log.ConsentRevoked(logger, session.AccountId, authorizationId);
        return Results.Redirect(Path + "?notice=consent-revoked");
    }

    // What a redirect back to the page says: fixed texts, so that no link can put words on this page.
    private static readonly Dictionary<string, string> Notices = new(StringComparer.Ordinal)
    {
        ["unlink-refused"] = "That identity was not unlinked: an account keeps at least one, and the one you are signed in with stays.",
        ["delete-unconfirmed"] = "Your account was not deleted: please tick the confirmation first.",
        ["consent-revoked"] = "The service's access was withdrawn: it asks you again at your next sign-in.",
        ["consent-unknown"] = "Nothing was withdrawn: that service's access had already ended.",
    };

    private static string Time(DateTimeOffset instant) =>
        HtmlPage.Encode(instant.ToUniversalTime().ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture));

    private static async Task<(ProxySession Session, AccountDetails Details)?> SignedInAsync(HttpContext httpContext, AccountStore store) =>
        await ProxySession.ReadAsync(httpContext) is { } session &&
        await store.GetAsync(session.AccountId, httpContext.RequestAborted) is { Account.Status: AccountStatus.Active } details &&
        details.Links.Any(link => link.LinkId == session.LinkId)
            ? (session, details)
            : null;

    private static async Task<(ProxySession Session, AccountDetails Details, IFormCollection Form)?> PostedAsync(HttpContext httpContext,
        AccountStore store, IAntiforgery antiforgery) =>
        httpContext.Request.HasFormContentType && await antiforgery.IsRequestValidAsync(httpContext) &&
        await SignedInAsync(httpContext, store) is var (session, details)
            ? (session, details, await httpContext.Request.ReadFormAsync(httpContext.RequestAborted))
            : null;

    // Not signed in: the account page is reached after an upstream login, like a client's authorization request.
    private static async Task<IResult> SignInFirstAsync(UpstreamChoices choices, LoginRequests loginRequests, CancellationToken cancellationToken)
    {
        var requested = new RequestedAuthentication(Path, Provider: null, [], Force: false);
        return await choices.ListAsync(cancellationToken) is [var only]
            ? Results.Challenge((requested with { Provider = only.Provider }).ToProperties(), [only.Scheme])
            : Results.Redirect(LoginPage.Url(loginRequests, requested));
    }

    private static IResult Refused(HttpContext httpContext) =>
        ErrorPage.Render(StatusCodes.Status400BadRequest, "invalid_account_request",
            "This request did not come from your account page, or you are no longer signed in. Please open your account page again.",
            CorrelationId.Of(httpContext));
}
