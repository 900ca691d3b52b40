using System.Globalization;
using AaiProxy.Groups;
using AaiProxy.Server.Groups.Invitations;
using AaiProxy.Server.Groups.Management;
using AaiProxy.Server.Web;

namespace AaiProxy.Server.Admin;

/// <summary>The audit log, newest first, for platform admins; filtered by target, paged by event id.</summary>
internal static partial class AdminPages
{
    private static async Task<IResult> AuditAsync(
        HttpContext httpContext, string? target, long? before, AdminGate gate, GroupAdministration administration, IAuditTrail trail)
    {
        const string page = GroupLinks.AdminBasePath + "/audit";
        var (actor, response) = await gate.EnterAsync(httpContext, page);
        if (actor is null)
            return response!;
        if (!await administration.IsPlatformAdminAsync(actor, httpContext.RequestAborted))
            return AdminHtml.Failed(httpContext, new Failure.Forbidden("Only platform admins read the audit log."), GroupLinks.AdminBasePath);

        var filter = string.IsNullOrWhiteSpace(target) ? null : target.Trim();
        var events = await trail.ListAsync(filter, before, PageSize, httpContext.RequestAborted);
        var form =
            $"""
            <form method="get" action="{page}" role="search">
            <p><label for="target">Only this object (e.g. <code>proposal:demo/DEMO-2026-017</code>)</label> <input type="text" id="target" name="target" value="{HtmlPage.Encode(filter)}"> <button type="submit">Show</button></p>
            </form>
            """;
        var table = AdminHtml.Table("Audit events, newest first", ["When", "Actor", "Action", "Object", "Details"],
            events.Select(e => (IReadOnlyList<string>)
            [
                AdminHtml.Date(e.OccurredAt), $"<code>{HtmlPage.Encode(e.Actor)}</code>", $"<code>{HtmlPage.Encode(e.Action)}</code>",
                $"<code>{HtmlPage.Encode(e.Target)}</code>", $"<code>{HtmlPage.Encode(e.Details)}</code>",
            ]));
        var next = events.Count == PageSize
            ? $"<p><a href=\"{HtmlPage.Encode($"{page}?before={events[^1].Id.ToString(CultureInfo.InvariantCulture)}{(filter is null ? "" : "&target=" + Uri.EscapeDataString(filter))}")}\">Older events</a></p>"
            : "";
        return AdminHtml.Page("Audit log", form + table + next);
    }
}
