using AaiProxy.Groups;
using AaiProxy.Groups.Management;
using AaiProxy.Server.Groups.Invitations;
using AaiProxy.Server.Web;
using Microsoft.AspNetCore.Antiforgery;

namespace AaiProxy.Server.Admin;

/// <summary>
/// <c>GET /invitations/{token}</c>: what the invitation is, and (signed in with any identity linked to
/// the account) a button that accepts it; <c>POST</c> with an antiforgery token accepts. A used,
/// revoked, expired or unknown link gets a page that says so and what to do.
/// </summary>
internal static class InvitationPages
{
    public static IEndpointRouteBuilder MapInvitationPages(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet(GroupLinks.InvitationPathPrefix + "/{token}", ShowAsync);
        // The antiforgery token is checked by the handler itself, so that a missing one gets a page of ours.
        endpoints.MapPost(GroupLinks.InvitationPathPrefix + "/{token}", AcceptAsync).DisableAntiforgery();
        return endpoints;
    }

    private static async Task<IResult> ShowAsync(
        HttpContext httpContext, string token, InvitationService invitations, SignedInPerson signedIn, IGroupDirectory directory,
        IAntiforgery antiforgery, TimeProvider time)
    {
        if (await invitations.FindAsync(token, httpContext.RequestAborted) is not { } view)
            return Unknown(httpContext);
        // What accepting would do now, decided by the one rule; nothing is saved.
        var preview = InvitationRules.Accept(view.Invitation, accountId: "", time.GetUtcNow(), view.Proposal, existing: null).Outcome;
        if (preview != InvitationOutcome.Accepted)
            return Refused(httpContext, preview);

        var (session, signIn) = await signedIn.RequireAsync(httpContext, GroupLinks.InvitationPath(token), requireMfa: false);
        if (session is null)
            return signIn!;

        var person = await directory.FindPersonAsync(session.AccountId, httpContext.RequestAborted);
        var tokens = antiforgery.GetAndStoreTokens(httpContext);
        return HtmlPage.Render("Invitation",
            $"""
            <p>You are invited to join {What(view)} as <strong>{HtmlPage.Encode(Roles(view.Invitation.Roles))}</strong>.</p>
            <p>You are signed in as <strong data-testid="signed-in-as">{HtmlPage.Encode(person?.Username ?? session.AccountId)}</strong>.
            The invitation was sent to {HtmlPage.Encode(view.Invitation.Email)}; it joins the account you are signed in with.</p>
            <form method="post" action="{HtmlPage.Encode(GroupLinks.InvitationPath(token))}">
            <input type="hidden" name="{HtmlPage.Encode(tokens.FormFieldName)}" value="{HtmlPage.Encode(tokens.RequestToken)}">
            <button type="submit" data-testid="accept-invitation">Accept the invitation</button>
            </form>
            <p>If this is not the account you want to join with, sign in with another identity first, or ignore the invitation.</p>
            """);
    }

    private static async Task<IResult> AcceptAsync(
        HttpContext httpContext, string token, InvitationService invitations, SignedInPerson signedIn, IAntiforgery antiforgery)
    {
        if (!httpContext.Request.HasFormContentType || !await antiforgery.IsRequestValidAsync(httpContext))
            return HtmlPage.Render("Invitation not accepted",
                $"""
                <p>This acceptance did not come from the invitation's page. <a href="{HtmlPage.Encode(GroupLinks.InvitationPath(token))}">Open the invitation again</a>.</p>
                {Support(httpContext)}
                """, StatusCodes.Status400BadRequest);

        var (session, signIn) = await signedIn.RequireAsync(httpContext, GroupLinks.InvitationPath(token), requireMfa: false);
        if (session is null)
            return signIn!;

        return await invitations.AcceptAsync(token, session.AccountId, httpContext.RequestAborted) switch
        {
            null => Unknown(httpContext),
            InvitationOutcome.Accepted => HtmlPage.Render("Invitation accepted",
                $"""
                <p data-testid="invitation-accepted">You have joined. Services you sign in to from now on see your new membership
                (a service you are signed in to already sees it at its next token refresh).</p>
                <p><a href="{GroupLinks.AdminBasePath}">My groups and proposals</a></p>
                """),
            var refused => Refused(httpContext, refused.Value),
        };
    }

    private static string What(InvitationView view) =>
        view.Invitation.Proposal is { } key
            ? $"the team of proposal <strong>{HtmlPage.Encode(key.ProposalId)}</strong> ({HtmlPage.Encode(view.Proposal?.Title)}) at facility <code>{HtmlPage.Encode(key.FacilityCode)}</code>"
            : $"the group <code>{HtmlPage.Encode(view.Group.Path.ToString())}</code>";

    private static string Roles(RoleSet roles) => roles.Roles.Count == 0 ? GroupRoles.Member : string.Join(", ", roles.Roles);

    private static IResult Unknown(HttpContext httpContext) =>
        HtmlPage.Render("Invitation not found",
            $"""
            <p>This invitation link is not known. Check that you opened the whole link from the mail; if it still fails, ask the person who invited you to send a new invitation.</p>
            {Support(httpContext)}
            """, StatusCodes.Status404NotFound);

    private static IResult Refused(HttpContext httpContext, InvitationOutcome outcome)
    {
        var (title, text) = outcome switch
        {
            InvitationOutcome.Expired => ("Invitation expired", "This invitation has expired. Ask the person who invited you to send a new one."),
            InvitationOutcome.AlreadyUsed => ("Invitation already used", "This invitation has been accepted already; each invitation can be used once. If that was not you, tell the person who invited you."),
            InvitationOutcome.Revoked => ("Invitation withdrawn", "This invitation has been withdrawn by the group's managers."),
            _ => ("Invitation no longer valid", "The proposal this invitation is for no longer exists."),
        };
        return HtmlPage.Render(title, $"<p data-testid=\"invitation-refused\">{HtmlPage.Encode(text)}</p>{Support(httpContext)}", StatusCodes.Status410Gone);
    }

    private static string Support(HttpContext httpContext) =>
        $"<p>If you contact support, quote this correlation id: <code>{HtmlPage.Encode(CorrelationId.Of(httpContext))}</code></p>";
}
