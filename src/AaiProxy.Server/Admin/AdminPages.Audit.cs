using AaiProxy.Groups.Management;
using AaiProxy.Server.Groups.Invitations;
using AaiProxy.Server.Groups.Management;
using AaiProxy.Server.Web;

namespace AaiProxy.Server.Admin;

/// <summary>The audit log for admins, as the management service lets each read it (platform admins all of it, facility admins their facility's), oldest first, paged.</summary>
internal static partial class AdminPages
{
    private static async Task<IResult> AuditAsync(HttpContext httpContext, string? after, AdminGate gate, GroupAdministration administration)
    {
        const string page = GroupLinks.AdminBasePath + "/audit";
        var (actor, response) = await gate.EnterAsync(httpContext, page);
        if (actor is null)
            return response!;
        var listed = await administration.AuditAsync(actor, new PageRequest(PageSize, after), httpContext.RequestAborted);
        if (listed is Outcome<Page<AuditRecord>>.Failed { Failure: var failure })
            return AdminHtml.Failed(httpContext, failure, GroupLinks.AdminBasePath);
        var events = ((Outcome<Page<AuditRecord>>.Ok)listed).Value;
        var table = AdminHtml.Table("Audit events, oldest first", ["When", "Actor", "Action", "Object", "Details"],
            events.Items.Select(e => (IReadOnlyList<string>)
            [
                AdminHtml.Date(e.OccurredAt), $"<code>{HtmlPage.Encode(e.Actor)}</code>", $"<code>{HtmlPage.Encode(e.Action)}</code>",
                $"<code>{HtmlPage.Encode(e.Target)}</code>", $"<code>{HtmlPage.Encode(e.Details)}</code>",
            ]));
        var next = events.Next is { } cursor
            ? $"<p><a href=\"{HtmlPage.Encode($"{page}?after={Uri.EscapeDataString(cursor)}")}\">Later events</a></p>"
            : "";
        return AdminHtml.Page("Audit log", table + next);
    }
}
