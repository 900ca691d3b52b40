using System.Text;
using AaiProxy.Groups;
using AaiProxy.Groups.Management;
using AaiProxy.Server.Groups.Invitations;
using AaiProxy.Server.Groups.Management;
using AaiProxy.Server.Web;

namespace AaiProxy.Server.Admin;

/// <summary>A group's page and its forms.</summary>
internal static partial class AdminPages
{
    private static void MapGroupPages(RouteGroupBuilder admin)
    {
        admin.MapGet("/groups/{groupId}", GroupAsync);
        admin.MapPost("/groups/{groupId}/invite", (HttpContext c, string groupId, AdminGate g, InvitationService invitations) =>
            OnGroupAsync(c, groupId, g, "invited", async (actor, form, ct) =>
                Ignore(await invitations.InviteAsync(actor, groupId, form["email"].ToString(), AdminHtml.ParseRoles(form["roles"]), ct))));
        admin.MapPost("/groups/{groupId}/invitations/{invitationId}/revoke", (HttpContext c, string groupId, string invitationId, AdminGate g, InvitationService invitations) =>
            OnGroupAsync(c, groupId, g, "revoked", async (actor, _, ct) => Ignore(await invitations.RevokeAsync(actor, groupId, invitationId, ct))));
        admin.MapPost("/groups/{groupId}/join-requests/{requestId}/{decision:regex(^(approve|deny)$)}",
            (HttpContext c, string groupId, string requestId, string decision, AdminGate g, JoinRequestService requests) =>
                OnGroupAsync(c, groupId, g, decision == "approve" ? "approved" : "denied", async (actor, _, ct) =>
                    Ignore(await requests.DecideAsync(actor, groupId, requestId, decision == "approve", ct))));
        admin.MapPost("/groups/{groupId}/members/{accountId}/roles", (HttpContext c, string groupId, string accountId, AdminGate g, GroupAdministration administration) =>
            OnGroupAsync(c, groupId, g, "roles", async (actor, form, ct) => Ignore(await administration.ChangeMembershipAsync(
                actor, groupId, accountId, new ChangeMembership(AdminHtml.ParseRoles(form["roles"]), null, null), ifMatch: null, ct))));
        admin.MapPost("/groups/{groupId}/members/{accountId}/end", (HttpContext c, string groupId, string accountId, AdminGate g, GroupAdministration administration) =>
            OnGroupAsync(c, groupId, g, "extended", async (actor, form, ct) =>
            {
                var text = form["end"].ToString();
                if (text.Length > 0 && AdminHtml.ParseDate(text) is null)
                    return new Failure.Invalid([new("end", ManagementProblemCodes.InvalidDates, "Give the end as a date (yyyy-mm-dd), or nothing for no end.")]);
                return Ignore(await administration.ChangeMembershipAsync(
                    actor, groupId, accountId, new ChangeMembership(null, new EndDate(AdminHtml.ParseDate(text)), null), ifMatch: null, ct));
            }));
        admin.MapPost("/groups/{groupId}/members/{accountId}/{state:regex(^(suspend|resume)$)}",
            (HttpContext c, string groupId, string accountId, string state, AdminGate g, GroupAdministration administration) =>
                OnGroupAsync(c, groupId, g, state == "suspend" ? "suspended" : "resumed", async (actor, _, ct) => Ignore(await administration.ChangeMembershipAsync(
                    actor, groupId, accountId, new ChangeMembership(null, null, state == "suspend"), ifMatch: null, ct))));
        admin.MapPost("/groups/{groupId}/members/{accountId}/remove", (HttpContext c, string groupId, string accountId, AdminGate g, GroupAdministration administration) =>
            OnGroupAsync(c, groupId, g, "removed", async (actor, _, ct) => Ignore(await administration.RemoveMemberAsync(actor, groupId, accountId, ifMatch: null, ct))));
        admin.MapPost("/groups/{groupId}/join", (HttpContext c, string groupId, AdminGate g, JoinRequestService requests) =>
            OnGroupAsync(c, groupId, g, "requested", async (actor, form, ct) => Ignore(await requests.RequestAsync(actor.AccountId!, groupId, form["message"].ToString(), ct))));
        admin.MapPost("/groups/{groupId}/leave", (HttpContext c, string groupId, AdminGate g, GroupAdministration administration) =>
            OnGroupAsync(c, groupId, g, "left", async (actor, _, ct) => Ignore(await administration.LeaveAsync(actor, groupId, ct))));
    }

    /// <summary>A form on a group's page: through the gate, the command, then back to the page (or the refusal).</summary>
    private static async Task<IResult> OnGroupAsync(
        HttpContext httpContext, string groupId, AdminGate gate, string notice,
        Func<ManagementActor, IFormCollection, CancellationToken, Task<Failure?>> command)
    {
        var page = GroupLinks.GroupPagePath(groupId);
        var (actor, response) = await gate.EnterAsync(httpContext, page);
        if (actor is null)
            return response!;
        var form = await httpContext.Request.ReadFormAsync(httpContext.RequestAborted);
        return await command(actor, form, httpContext.RequestAborted) is { } failure
            ? AdminHtml.Failed(httpContext, failure, page)
            : AdminHtml.Done(page, notice);
    }

    private static Failure? Ignore<T>(Outcome<T> outcome) => outcome is Outcome<T>.Failed failed ? failed.Failure : null;

    private static async Task<IResult> GroupAsync(
        HttpContext httpContext, string groupId, string? after, string? done, AdminGate gate, GroupAdministration administration,
        InvitationService invitations, JoinRequestService joinRequests, IGroupDirectory directory)
    {
        var page = GroupLinks.GroupPagePath(groupId);
        var (actor, response) = await gate.EnterAsync(httpContext, page);
        if (actor is null)
            return response!;
        var cancellationToken = httpContext.RequestAborted;
        var shown = await administration.GetGroupAsync(actor, groupId, cancellationToken);
        if (shown is Outcome<Versioned<Group>>.Failed { Failure: var notVisible })
            return AdminHtml.Failed(httpContext, notVisible, GroupLinks.AdminBasePath);
        var group = ((Outcome<Versioned<Group>>.Ok)shown).Value.Value;
        var manages = (await administration.AuthorizeManagementAsync(actor, groupId, cancellationToken)).Failure is null;
        var proposal = group.Kind == GroupKind.Proposal ? (await directory.FindProposalByTeamGroupAsync(group.Id, cancellationToken))?.Proposal : null;
        var antiforgery = gate.AntiforgeryField(httpContext);

        var body = new StringBuilder(AdminHtml.Notice(done));
        body.Append("<p>Group <code>").Append(HtmlPage.Encode(group.Path.ToString())).Append("</code> (")
            .Append(HtmlPage.Encode(group.Kind.ToString().ToLowerInvariant())).Append(", visible to ")
            .Append(HtmlPage.Encode(group.Visibility.ToString().ToLowerInvariant())).Append(").</p>");
        if (group.Description.Length > 0)
            body.Append("<p>").Append(HtmlPage.Encode(group.Description)).Append("</p>");
        if (proposal is not null)
            body.Append("<p>This is the team of proposal ").Append(ProposalLink(proposal.Key))
                .Append(": its members and their dates follow the proposal's team and beamtime sessions.</p>");

        var members = await administration.ListMembersAsync(actor, groupId, new PageRequest(PageSize, after), cancellationToken);
        if (members is Outcome<Page<Versioned<Membership>>>.Ok { Value: var listed })
        {
            var names = await UsernamesAsync(directory, listed.Items.Select(m => m.Value.AccountId), cancellationToken);
            body.Append("<h2>Members</h2>");
            body.Append(AdminHtml.Table($"Members of {group.Path}",
                manages ? ["Person", "Roles", "Start", "End", "Status", "Actions"] : ["Person", "Roles", "Start", "End", "Status"],
                listed.Items.Select(item => MemberRow(item.Value, group, names, manages, antiforgery))));
            if (listed.Next is { } next)
                body.Append("<p><a href=\"").Append(HtmlPage.Encode($"{page}?after={Uri.EscapeDataString(next)}")).Append("\">Next members</a></p>");
            if (group.Kind != GroupKind.Proposal && listed.Items.Any(m => m.Value.AccountId == actor.AccountId && m.Value.Status != MembershipStatus.Expired))
                body.Append(Form($"{page}/leave", antiforgery, "<button type=\"submit\">Leave this group</button>"));
        }

        if (manages)
        {
            body.Append(InviteForm(page, antiforgery, proposal is null ? "" : "co-proposer"));
            if (await invitations.ListPendingAsync(actor, groupId, cancellationToken) is Outcome<IReadOnlyList<Invitation>>.Ok { Value: { Count: > 0 } pending })
                body.Append("<h2>Pending invitations</h2>").Append(AdminHtml.Table("Invitations not yet accepted", ["E-mail", "Roles", "Valid until", "Actions"],
                    pending.Select(invitation => (IReadOnlyList<string>)
                    [
                        HtmlPage.Encode(invitation.Email), HtmlPage.Encode(invitation.Roles.ToString()), AdminHtml.Date(invitation.ExpiresAt),
                        Form($"{page}/invitations/{Uri.EscapeDataString(invitation.Id)}/revoke", antiforgery,
                            $"<button type=\"submit\" aria-label=\"Withdraw the invitation to {HtmlPage.Encode(invitation.Email)}\">Withdraw</button>"),
                    ])));
            if (await joinRequests.ListPendingAsync(actor, groupId, cancellationToken) is Outcome<IReadOnlyList<JoinRequest>>.Ok { Value: { Count: > 0 } requests })
            {
                var names = await UsernamesAsync(directory, requests.Select(r => r.AccountId), cancellationToken);
                body.Append("<h2>Requests to join</h2>").Append(AdminHtml.Table("Requests waiting for a decision", ["Person", "Asked", "Message", "Decision"],
                    requests.Select(request => (IReadOnlyList<string>)
                    [
                        Person(names, request.AccountId), AdminHtml.Date(request.RequestedAt), HtmlPage.Encode(request.Message),
                        Form($"{page}/join-requests/{Uri.EscapeDataString(request.Id)}/approve", antiforgery,
                            $"<button type=\"submit\" aria-label=\"Approve {HtmlPage.Encode(names[request.AccountId])}\">Approve</button>")
                        + Form($"{page}/join-requests/{Uri.EscapeDataString(request.Id)}/deny", antiforgery,
                            $"<button type=\"submit\" aria-label=\"Deny {HtmlPage.Encode(names[request.AccountId])}\">Deny</button>"),
                    ])));
            }
        }
        else if (members is Outcome<Page<Versioned<Membership>>>.Failed && group.Kind != GroupKind.Proposal)
        {
            body.Append("<h2>Ask to join</h2>").Append(Form($"{page}/join", antiforgery,
                $"""
                <p><label for="message">Why you would like to join (optional)</label><br>
                <textarea id="message" name="message" rows="3" cols="60" maxlength="{JoinRequestService.MaxMessageLength}"></textarea></p>
                <p><button type="submit">Ask the managers</button></p>
                """));
        }

        return AdminHtml.Page($"Group {group.Path}", body.ToString());
    }

    private static IReadOnlyList<string> MemberRow(Membership membership, Group group, Dictionary<string, string> names, bool manages, string antiforgery)
    {
        var cells = new List<string>
        {
            Person(names, membership.AccountId), HtmlPage.Encode(membership.Roles.ToString()), AdminHtml.Date(membership.Start),
            AdminHtml.Date(membership.End), HtmlPage.Encode(membership.Status.ToString().ToLowerInvariant()),
        };
        if (!manages)
            return cells;
        if (membership.Status == MembershipStatus.Expired)
        {
            cells.Add("ended");
            return cells;
        }

        var member = $"{GroupLinks.GroupPagePath(group.Id)}/members/{Uri.EscapeDataString(membership.AccountId)}";
        var who = HtmlPage.Encode(names.GetValueOrDefault(membership.AccountId, membership.AccountId));
        var id = Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(membership.AccountId)))[..12];
        var actions = new StringBuilder();
        actions.Append(Form($"{member}/roles", antiforgery,
            $"""<label for="roles-{id}">Roles of {who}</label> <input type="text" id="roles-{id}" name="roles" value="{HtmlPage.Encode(string.Join(", ", membership.Roles.Roles))}" size="20"> <button type="submit">Change roles</button>"""));
        if (group.Kind != GroupKind.Proposal)
            actions.Append(Form($"{member}/end", antiforgery,
                $"""<label for="end-{id}">End of {who}'s membership</label> <input type="date" id="end-{id}" name="end" value="{AdminHtml.DateValue(membership.End)}"> <button type="submit">Extend or change end</button>"""));
        actions.Append(Form($"{member}/{(membership.Status == MembershipStatus.Suspended ? "resume" : "suspend")}", antiforgery,
            $"<button type=\"submit\" aria-label=\"{(membership.Status == MembershipStatus.Suspended ? "Resume" : "Suspend")} {who}\">{(membership.Status == MembershipStatus.Suspended ? "Resume" : "Suspend")}</button>"));
        actions.Append(Form($"{member}/remove", antiforgery, $"<button type=\"submit\" aria-label=\"Remove {who}\">Remove</button>"));
        cells.Add(actions.ToString());
        return cells;
    }

    private static string InviteForm(string page, string antiforgery, string suggestedRoles) =>
        "<h2>Invite by e-mail</h2>" + Form($"{page}/invite", antiforgery,
            $"""
            <p><label for="invite-email">E-mail address</label> <input type="email" id="invite-email" name="email" required autocomplete="off"></p>
            <p><label for="invite-roles">Roles besides member (comma-separated, e.g. co-proposer, data-access)</label> <input type="text" id="invite-roles" name="roles" value="{HtmlPage.Encode(suggestedRoles)}"></p>
            <p><button type="submit" data-testid="send-invitation">Send the invitation</button></p>
            """);

    private static string Form(string action, string antiforgery, string content) =>
        $"<form method=\"post\" action=\"{HtmlPage.Encode(action)}\">{antiforgery}{content}</form>";
}
