using System.Text;
using AaiProxy.Data;
using AaiProxy.Identity;
using AaiProxy.Server.Configuration;
using AaiProxy.Server.Mail;
using AaiProxy.Server.Session;
using AaiProxy.Server.Upstream;
using AaiProxy.Server.Web;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Options;

namespace AaiProxy.Server.Accounts;

/// <summary>
/// Registration (mode Interactive): after a first upstream login, or a login after a new AUP version, the person
/// sees what their home organisation released, gives what is missing (an e-mail address, verified by a mailed link,
/// unless the organisation released one within its own domains) and accepts the AUP. The account is created only
/// when they confirm; until then everything rides in the session cookie (<see cref="PendingRegistration"/>).
/// </summary>
internal static class RegistrationEndpoints
{
    public const string EmailPath = PendingRegistration.RegistrationPath + "/email";
    public const string VerifyPath = PendingRegistration.RegistrationPath + "/verify";
    public const string CancelPath = PendingRegistration.RegistrationPath + "/cancel";

    public static IEndpointRouteBuilder MapRegistration(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet(PendingRegistration.RegistrationPath, ShowAsync);
        // The antiforgery token is checked by the handlers themselves, so that a missing one gets the proxy's page.
        endpoints.MapPost(PendingRegistration.RegistrationPath, ConfirmAsync).DisableAntiforgery().WithRateLimitedEndpoint(RateLimitedEndpoints.Login);
        endpoints.MapPost(EmailPath, SendVerificationAsync).DisableAntiforgery().WithRateLimitedEndpoint(RateLimitedEndpoints.Login);
        endpoints.MapGet(VerifyPath, VerifyAsync);
        endpoints.MapPost(CancelPath, CancelAsync).DisableAntiforgery();
        return endpoints;
    }

    private static async Task<IResult> ShowAsync(HttpContext httpContext, RegistrationPages pages) =>
        await PendingRegistration.ReadAsync(httpContext) is var (pending, _)
            ? await pages.FormAsync(httpContext, pending, message: null)
            : NoRegistration(httpContext);

    private static async Task<IResult> SendVerificationAsync(HttpContext httpContext, RegistrationPages pages, IAntiforgery antiforgery,
        VerificationLinks links, IMailSender mail, ListeningOrigins origins, IOptions<ProxyOptions> proxy, ILogger<RegistrationPages> logger)
    {
        if (await ReadPostedAsync(httpContext, antiforgery) is not var (pending, _, form))
        {
            return NoRegistration(httpContext);
        }

        var address = form["email"].ToString().Trim();
        if (!EmailAddresses.IsWellFormed(address))
        {
            return await pages.FormAsync(httpContext, pending, "That does not look like an e-mail address. Please check it.");
        }

        var link = QueryHelpers.AddQueryString(origins.PublicOrigin(proxy.Value) + VerifyPath, "token", links.Protect(new(pending.Nonce, address)));
        try
        {
            await mail.SendAsync(new OutgoingMail(address, "Confirm your e-mail address",
                $"Someone, hopefully you, is registering at {origins.PublicOrigin(proxy.Value)} with this address.\n\n" +
                $"To confirm it, open this link in the browser where you are registering:\n{link}\n\n" +
                "If it was not you, ignore this message: nothing happens without the link."), httpContext.RequestAborted);
        }
        catch (MailDeliveryException failure)
        {
            AccountsLog.VerificationNotSent(logger, MailLog.RecipientDomain(address), failure.Message);
            return await pages.FormAsync(httpContext, pending, "The confirmation message could not be sent just now. Please try again in a few minutes.",
                StatusCodes.Status503ServiceUnavailable);
        }

        AccountsLog.VerificationSent(logger, MailLog.RecipientDomain(address));
        return HtmlPage.Render("Check your mailbox",
            $"""
            <p>We sent a link to <strong data-sent-to>{HtmlPage.Encode(address)}</strong>. Open it in this browser to confirm the address and continue your registration.</p>
            <p><a href="{PendingRegistration.RegistrationPath}">Back to the registration</a></p>
            """);
    }

    private static async Task<IResult> VerifyAsync(HttpContext httpContext, string? token, VerificationLinks links)
    {
        var request = links.Unprotect(token);
        if (await PendingRegistration.ReadAsync(httpContext) is not var (pending, ticket) || request is null || request.Nonce != pending.Nonce)
        {
            return ErrorPage.Render(StatusCodes.Status400BadRequest, "invalid_verification_link",
                "This confirmation link has expired or belongs to a registration in another browser. Please open it in the browser where you are registering, or ask for a new one.",
                CorrelationId.Of(httpContext));
        }

        var verified = pending with { MailVerifiedEmails = [.. pending.MailVerifiedEmails.Append(request.Address).Distinct(StringComparer.OrdinalIgnoreCase)] };
        var updated = verified.ToTicket(ticket.Principal.FindFirst(SessionClaims.UpstreamScheme)?.Value ?? "", ticket.Properties);
        await httpContext.SignInAsync(SessionDefaults.Scheme, updated.Principal, updated.Properties);
        return Results.Redirect(PendingRegistration.RegistrationPath);
    }

    private static async Task<IResult> ConfirmAsync(HttpContext httpContext, RegistrationPages pages, IAntiforgery antiforgery,
        ICommunityAccountResolver accounts, AccountStore store, IOptions<RegistrationOptions> registration, TimeProvider time,
        ILogger<RegistrationPages> logger)
    {
        if (await ReadPostedAsync(httpContext, antiforgery) is not var (pending, ticket, form))
        {
            return NoRegistration(httpContext);
        }

        var aup = registration.Value.CurrentAupVersion;
        if (aup is not null && form["accept"] != "yes")
        {
            return await pages.FormAsync(httpContext, pending, "To continue, please accept the acceptable use policy.");
        }

        if (pending.AccountId is null && (await pages.VerifiedEmailsAsync(pending, httpContext.RequestAborted)).Count == 0)
        {
            return await pages.FormAsync(httpContext, pending, "Please confirm an e-mail address first.");
        }

        ResolvedIdentity? resolved;
        if (pending.AccountId is { } accountId)
        {
            if (aup is not null)
            {
                await store.AcceptAupAsync(accountId, aup, httpContext.RequestAborted);
                AccountsLog.AupAccepted(logger, accountId, aup);
            }

            resolved = await accounts.FindAsync(pending.Upstream, httpContext.RequestAborted);
        }
        else
        {
            resolved = await accounts.RegisterAsync(pending.Upstream,
                new AccountRegistration(pending.MailVerifiedEmails, aup, AuditActors.Registration), httpContext.RequestAborted);
            AccountsLog.Registered(logger, resolved.Account.Id);
        }

        if (resolved is not { Account.Status: AccountStatus.Active })
        {
            await httpContext.SignOutAsync(SessionDefaults.Scheme);
            return ErrorPage.Render(StatusCodes.Status403Forbidden, "account_not_active",
                "Your account at this service is suspended. Please contact the service's support.", CorrelationId.Of(httpContext));
        }

        var scheme = ticket.Principal.FindFirst(SessionClaims.UpstreamScheme)?.Value ?? "";
        var (principal, properties) = ProxySession.Create(resolved.Account.Id, resolved.LinkId, scheme, pending.Upstream.Authentication,
            PendingRegistration.Without(ticket.Properties), time.GetUtcNow());
        properties.RedirectUri = null;
        await httpContext.SignInAsync(SessionDefaults.Scheme, principal, properties);
        return Results.Redirect(LocalUrl.IsLocal(pending.ReturnUrl) ? pending.ReturnUrl : "/account");
    }

    private static async Task<IResult> CancelAsync(HttpContext httpContext, IAntiforgery antiforgery)
    {
        if (await ReadPostedAsync(httpContext, antiforgery) is not null)
        {
            await httpContext.SignOutAsync(SessionDefaults.Scheme);
        }

        return HtmlPage.Render("Registration cancelled",
            "<p>You did not register, and nothing about you was stored. You can close this window.</p>");
    }

    private static async Task<(PendingRegistration Pending, AuthenticationTicket Ticket, IFormCollection Form)?> ReadPostedAsync(
        HttpContext httpContext, IAntiforgery antiforgery)
    {
        if (!httpContext.Request.HasFormContentType || !await antiforgery.IsRequestValidAsync(httpContext) ||
            await PendingRegistration.ReadAsync(httpContext) is not var (pending, ticket))
        {
            return null;
        }

        return (pending, ticket, await httpContext.Request.ReadFormAsync(httpContext.RequestAborted));
    }

    private static IResult NoRegistration(HttpContext httpContext) =>
        ErrorPage.Render(StatusCodes.Status400BadRequest, "no_registration",
            "No registration is in progress in this browser (it may have expired). Please start again from the service you wanted to use.",
            CorrelationId.Of(httpContext));
}

/// <summary>A mailed confirmation link: the registration it belongs to and the address.</summary>
internal sealed record VerificationRequest(string Nonce, string Address);

/// <summary>The protected token of a mailed confirmation link (lifetime <c>AaiProxy:Accounts:VerificationLinkLifetime</c>).</summary>
internal sealed class VerificationLinks(Microsoft.AspNetCore.DataProtection.IDataProtectionProvider dataProtection, TimeProvider time,
    IOptions<AccountsOptions> options)
{
    private readonly ShortLivedProtector<VerificationRequest> _protector =
        new(dataProtection, time, nameof(VerificationLinks), options.Value.VerificationLinkLifetime);

    public string Protect(VerificationRequest request) => _protector.Protect(request);

    public VerificationRequest? Unprotect(string? token) => _protector.Unprotect(token);
}

/// <summary>The registration page itself.</summary>
internal sealed class RegistrationPages(IAntiforgery antiforgery, IUpstreamDomains domains, UpstreamChoices choices, IOptions<RegistrationOptions> registration)
{
    /// <summary>Addresses that count as verified: those the issuer vouches for and those confirmed by mail.</summary>
    public async Task<IReadOnlyList<string>> VerifiedEmailsAsync(PendingRegistration pending, CancellationToken cancellationToken) =>
        [.. EmailAddresses.VouchedFor(pending.Upstream.Values(InternalAttributes.Email),
                await domains.DomainsOfAsync(pending.Upstream.Issuer, cancellationToken))
            .Concat(pending.MailVerifiedEmails).Distinct(StringComparer.OrdinalIgnoreCase)];

    public async Task<IResult> FormAsync(HttpContext httpContext, PendingRegistration pending, string? message, int status = StatusCodes.Status200OK)
    {
        var tokens = antiforgery.GetAndStoreTokens(httpContext);
        var antiforgeryField = $"""<input type="hidden" name="{HtmlPage.Encode(tokens.FormFieldName)}" value="{HtmlPage.Encode(tokens.RequestToken)}">""";
        var html = new StringBuilder();
        if (message is not null)
        {
            html.Append("<p role=\"alert\" data-registration-message>").Append(HtmlPage.Encode(message)).Append("</p>");
        }

        var isNew = pending.AccountId is null;
        var organisation = (await choices.FindAsync(pending.Upstream.Issuer, httpContext.RequestAborted))?.DisplayName ?? pending.Upstream.Issuer;
        if (isNew)
        {
            html.Append("<p>Welcome. This is your first sign-in here, through <strong>").Append(HtmlPage.Encode(organisation))
                .Append("</strong>. It released this about you:</p>")
                .Append(HtmlPage.ClaimsTable("released", pending.Upstream.Attributes
                    .SelectMany(attribute => attribute.Value.Select(value => KeyValuePair.Create(attribute.Key, value)))));

            var verified = await VerifiedEmailsAsync(pending, httpContext.RequestAborted);
            html.Append("<h2>E-mail address</h2>");
            if (verified.Count > 0)
            {
                html.Append("<p>We will write to <strong data-verified-email>").Append(HtmlPage.Encode(verified[0])).Append("</strong> (confirmed).</p>");
            }
            else
            {
                html.Append($"""
                    <p>We need an e-mail address we can reach you at. We will send a link to confirm it.</p>
                    <form method="post" action="{RegistrationEndpoints.EmailPath}">
                    {antiforgeryField}
                    <label for="email">E-mail address</label>
                    <input type="email" id="email" name="email" autocomplete="email" required value="{HtmlPage.Encode(pending.Upstream.FirstValue(InternalAttributes.Email))}">
                    <button type="submit">Send confirmation link</button>
                    </form>
                    """);
            }
        }
        else
        {
            html.Append("<p>The acceptable use policy has changed since you last accepted it. Please read it and accept it to continue.</p>");
        }

        if (registration.Value.Aup is { } aup && registration.Value.CurrentAupVersion is not null)
        {
            html.Append("<h2>Acceptable use policy</h2>");
            if (aup.Text is { } text)
            {
                html.Append("<div data-aup-text>").Append(string.Join("", text.Split('\n', StringSplitOptions.RemoveEmptyEntries)
                    .Select(paragraph => "<p>" + HtmlPage.Encode(paragraph) + "</p>"))).Append("</div>");
            }

            if (aup.Url is { } url)
            {
                html.Append("<p><a href=\"").Append(HtmlPage.Encode(url.AbsoluteUri)).Append("\">Read the acceptable use policy (version ")
                    .Append(HtmlPage.Encode(aup.Version)).Append(")</a></p>");
            }
        }

        var acceptance = registration.Value.CurrentAupVersion is { } version
            ? $"""<p><input type="checkbox" id="accept" name="accept" value="yes" required> <label for="accept">I accept the acceptable use policy (version {HtmlPage.Encode(version)})</label></p>"""
            : "";
        html.Append($"""
            <form method="post" action="{PendingRegistration.RegistrationPath}">
            {antiforgeryField}
            {acceptance}
            <button type="submit" id="confirm">{(isNew ? "Register" : "Continue")}</button>
            </form>
            <form method="post" action="{RegistrationEndpoints.CancelPath}">
            {antiforgeryField}
            <button type="submit" id="cancel">Cancel{(isNew ? " (nothing is stored)" : "")}</button>
            </form>
            """);
        return HtmlPage.Render(isNew ? "Register" : "New acceptable use policy", html.ToString(), status);
    }
}
