using System.Text;
using AaiProxy.Groups;
using AaiProxy.Groups.Management;
using AaiProxy.Server.Groups.Invitations;
using AaiProxy.Server.Groups.Management;
using AaiProxy.Server.Web;

namespace AaiProxy.Server.Admin;

/// <summary>
/// The group admin web UI, server-rendered and usable without JavaScript: <c>/admin</c> (my groups and
/// proposals), a group's page (members, invitations, join requests), a proposal's page (team, sessions,
/// embargo), finding a person and the audit log. Every read and change goes through the management
/// service (<see cref="GroupAdministration"/>) or the invitation and join-request services built on it;
/// every form is a POST with an antiforgery token, answered by a redirect back to its page.
/// </summary>
internal static partial class AdminPages
{
    private const int PageSize = 200;

    public static IEndpointRouteBuilder MapAdminPages(this IEndpointRouteBuilder endpoints)
    {
        var admin = endpoints.MapGroup(GroupLinks.AdminBasePath).DisableAntiforgery(); // AdminGate checks the token itself
        admin.MapGet("/", HomeAsync);
        admin.MapGet("/people", PeopleAsync);
        admin.MapGet("/audit", AuditAsync);
        MapGroupPages(admin);
        MapProposalPages(admin);
        MapAccountPages(admin);
        MapClientPages(admin);
        return endpoints;
    }

    private static async Task<IResult> HomeAsync(HttpContext httpContext, AdminGate gate, GroupAdministration administration, string? done)
    {
        var (actor, response) = await gate.EnterAsync(httpContext, GroupLinks.AdminBasePath);
        if (actor is null)
            return response!;
        var cancellationToken = httpContext.RequestAborted;

        var proposals = await administration.MyProposalsAsync(actor, cancellationToken);
        var groups = await administration.MyGroupsAsync(actor, cancellationToken);
        var managed = await administration.ListGroupsAsync(actor, PageRequest.First(PageSize), cancellationToken) is Outcome<Page<Versioned<Group>>>.Ok { Value: var page }
            ? page.Items.Select(item => item.Value).ToList()
            : [];

        var body = new StringBuilder(AdminHtml.Notice(done));
        body.Append("<h2>My proposals</h2>");
        body.Append(proposals.Count == 0
            ? "<p>You are on no proposal's team.</p>"
            : AdminHtml.Table("Proposals whose team you are on", ["Proposal", "Title", "Embargo ends", "Data"],
                proposals.Select(view => (IReadOnlyList<string>)
                [
                    ProposalLink(view.Proposal.Key), HtmlPage.Encode(view.Proposal.Title), AdminHtml.Date(view.EmbargoEnd),
                    view.Embargo == EmbargoState.Open ? "open" : "under embargo",
                ])));
        body.Append("<h2>My groups</h2>");
        body.Append(groups.Count == 0
            ? "<p>You are a member of no group.</p>"
            : AdminHtml.Table("Groups you are a member of", ["Group", "Your roles", "Until"],
                groups.Select(mine => (IReadOnlyList<string>)
                [
                    GroupLink(mine.Group), HtmlPage.Encode(mine.Membership.Value.Roles.ToString()), AdminHtml.Date(mine.Membership.Value.End),
                ])));
        body.Append("<h2>Groups I manage</h2>");
        body.Append(managed.Count == 0
            ? "<p>You manage no group.</p>"
            : AdminHtml.Table("Groups you manage", ["Group", "Kind", "Description"],
                managed.Select(group => (IReadOnlyList<string>)
                [
                    GroupLink(group), HtmlPage.Encode(group.Kind.ToString().ToLowerInvariant()), HtmlPage.Encode(group.Description),
                ])));
        return AdminHtml.Page("My groups and proposals", body.ToString());
    }

    private static async Task<IResult> PeopleAsync(
        HttpContext httpContext, AdminGate gate, GroupAdministration administration, string? email, string? community_id, string? name)
    {
        const string page = GroupLinks.AdminBasePath + "/people";
        var (actor, response) = await gate.EnterAsync(httpContext, page);
        if (actor is null)
            return response!;

        var form =
            $"""
            <form method="get" action="{page}" role="search">
            <p>Give exactly one of these. Managers find people by their exact e-mail address or community id; facility and platform admins also by part of the username.</p>
            <p><label for="email">E-mail address (exact)</label> <input type="email" id="email" name="email" value="{HtmlPage.Encode(email)}" autocomplete="off"></p>
            <p><label for="community_id">Community id (exact)</label> <input type="text" id="community_id" name="community_id" value="{HtmlPage.Encode(community_id)}" autocomplete="off"></p>
            <p><label for="name">Part of the username (admins)</label> <input type="search" id="name" name="name" value="{HtmlPage.Encode(name)}" autocomplete="off"></p>
            <p><button type="submit">Find</button></p>
            </form>
            """;
        var query = new PersonQuery(Blank(email), Blank(community_id), Blank(name));
        if (query is { Email: null, CommunityId: null, Name: null })
            return AdminHtml.Page("Find a person", form);

        var found = await administration.FindPeopleAsync(actor, query, httpContext.RequestAborted);
        if (found is Outcome<IReadOnlyList<PersonSummary>>.Failed { Failure: var failure })
            return AdminHtml.Failed(httpContext, failure, page);
        var people = ((Outcome<IReadOnlyList<PersonSummary>>.Ok)found).Value;
        return AdminHtml.Page("Find a person", form + (people.Count == 0
            ? "<p role=\"status\">Nobody found.</p>"
            : AdminHtml.Table("People found", ["Username", "Community id", "E-mail addresses"],
                people.Select(person => (IReadOnlyList<string>)
                [
                    HtmlPage.Encode(person.Username), $"<code>{HtmlPage.Encode(person.AccountId)}</code>", HtmlPage.Encode(string.Join(", ", person.Emails)),
                ]))));
    }

    private static string? Blank(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();

    private static string GroupLink(Group group) =>
        $"<a href=\"{HtmlPage.Encode(GroupLinks.GroupPagePath(group.Id))}\"><code>{HtmlPage.Encode(group.Path.ToString())}</code></a>";

    private static string ProposalPath(ProposalKey key) =>
        $"{GroupLinks.AdminBasePath}/proposals/{Uri.EscapeDataString(key.FacilityCode)}/{Uri.EscapeDataString(key.ProposalId)}";

    private static string ProposalLink(ProposalKey key) =>
        $"<a href=\"{HtmlPage.Encode(ProposalPath(key))}\">{HtmlPage.Encode(key.ProposalId)}</a> <small>({HtmlPage.Encode(key.FacilityCode)})</small>";

    /// <summary>The usernames of accounts, for tables that would otherwise show opaque ids only.</summary>
    private static async Task<Dictionary<string, string>> UsernamesAsync(
        IGroupDirectory directory, IEnumerable<string> accountIds, CancellationToken cancellationToken)
    {
        var names = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var id in accountIds.Distinct(StringComparer.Ordinal))
            names[id] = (await directory.FindPersonAsync(id, cancellationToken))?.Username ?? id;
        return names;
    }

    private static string Person(Dictionary<string, string> names, string accountId) =>
        $"{HtmlPage.Encode(names.GetValueOrDefault(accountId, accountId))}<br><small><code>{HtmlPage.Encode(accountId)}</code></small>";
}
