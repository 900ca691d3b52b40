using System.Text;
using AaiProxy.Groups;
using AaiProxy.Groups.Management;
using AaiProxy.Server.Groups.Invitations;
using AaiProxy.Server.Groups.Management;
using AaiProxy.Server.Web;

namespace AaiProxy.Server.Admin;

/// <summary>A proposal's page: team, sessions and embargo (extend it), and inviting onto the team.</summary>
internal static partial class AdminPages
{
    private static void MapProposalPages(RouteGroupBuilder admin)
    {
        admin.MapGet("/proposals/{facility}/{proposalId}", ProposalAsync);
        admin.MapPost("/proposals/{facility}/{proposalId}/embargo", EmbargoAsync);
    }

    private static async Task<IResult> ProposalAsync(
        HttpContext httpContext, string facility, string proposalId, string? done, AdminGate gate, GroupAdministration administration,
        IGroupDirectory directory)
    {
        var key = new ProposalKey(facility, proposalId);
        var page = ProposalPath(key);
        var (actor, response) = await gate.EnterAsync(httpContext, page);
        if (actor is null)
            return response!;
        var cancellationToken = httpContext.RequestAborted;
        var shown = await administration.GetProposalAsync(actor, key, cancellationToken);
        if (shown is Outcome<Versioned<ProposalView>>.Failed { Failure: var failure })
            return AdminHtml.Failed(httpContext, failure, GroupLinks.AdminBasePath);
        var view = ((Outcome<Versioned<ProposalView>>.Ok)shown).Value.Value;
        var proposal = view.Proposal;
        var manages = (await administration.AuthorizeManagementAsync(actor, view.TeamGroupId, cancellationToken)).Failure is null;
        var names = await UsernamesAsync(directory, proposal.Team.Select(member => member.AccountId), cancellationToken);
        var antiforgery = gate.AntiforgeryField(httpContext);
        var teamPage = GroupLinks.GroupPagePath(view.TeamGroupId);

        var body = new StringBuilder(AdminHtml.Notice(done));
        body.Append("<p><strong>").Append(HtmlPage.Encode(proposal.Title)).Append("</strong> — proposal ")
            .Append(HtmlPage.Encode(proposal.Id)).Append(" at facility <code>").Append(HtmlPage.Encode(proposal.FacilityCode)).Append("</code>.</p>");
        body.Append("<h2>Team</h2>").Append(AdminHtml.Table($"Team of proposal {proposal.Id}", ["Person", "Roles"],
            proposal.Team.Select(member => (IReadOnlyList<string>)[Person(names, member.AccountId), HtmlPage.Encode(member.Roles.ToString())])));
        body.Append("<p><a href=\"").Append(HtmlPage.Encode(teamPage)).Append("\">The team's group: memberships, dates, roles")
            .Append(manages ? ", pending invitations" : "").Append("</a></p>");
        body.Append("<h2>Beamtime sessions</h2>").Append(proposal.Sessions.Count == 0
            ? "<p>No session is scheduled yet.</p>"
            : AdminHtml.Table($"Sessions of proposal {proposal.Id}", ["Instrument", "Start", "End"],
                proposal.Sessions.Select(session => (IReadOnlyList<string>)
                    [HtmlPage.Encode(session.Instrument), AdminHtml.Date(session.Start), AdminHtml.Date(session.End)])));
        body.Append("<h2>Embargo</h2><p>The raw data is <strong data-testid=\"embargo-state\">")
            .Append(view.Embargo == EmbargoState.Open ? "open" : "under embargo").Append("</strong>; the embargo ends <span data-testid=\"embargo-end\">")
            .Append(AdminHtml.Date(view.EmbargoEnd)).Append("</span>.</p>");
        if (manages)
        {
            body.Append(Form($"{page}/embargo", antiforgery,
                $"""<p><label for="embargo-end">New embargo end</label> <input type="date" id="embargo-end" name="end" required value="{AdminHtml.DateValue(view.EmbargoEnd)}"> <button type="submit">Extend the embargo</button></p>"""));
            body.Append(InviteForm(teamPage, antiforgery, GroupRoles.CoProposer));
        }

        return AdminHtml.Page($"Proposal {proposal.Id}", body.ToString());
    }

    private static async Task<IResult> EmbargoAsync(
        HttpContext httpContext, string facility, string proposalId, AdminGate gate, GroupAdministration administration)
    {
        var key = new ProposalKey(facility, proposalId);
        var page = ProposalPath(key);
        var (actor, response) = await gate.EnterAsync(httpContext, page);
        if (actor is null)
            return response!;
        var form = await httpContext.Request.ReadFormAsync(httpContext.RequestAborted);
        if (AdminHtml.ParseDate(form["end"]) is not { } end)
            return AdminHtml.Problem(httpContext, StatusCodes.Status400BadRequest, "Please correct the form", "Give the new embargo end as a date (yyyy-mm-dd).", page);
        return await administration.ChangeEmbargoAsync(actor, key, end, ifMatch: null, httpContext.RequestAborted) is Outcome<Versioned<ProposalView>>.Failed { Failure: var failure }
            ? AdminHtml.Failed(httpContext, failure, page)
            : AdminHtml.Done(page, "embargo");
    }
}
