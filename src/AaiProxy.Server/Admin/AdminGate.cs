using System.Globalization;
using System.Text;
using AaiProxy.Server.Configuration;
using AaiProxy.Server.Groups.Invitations;
using AaiProxy.Server.Groups.Management;
using AaiProxy.Server.Web;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.Extensions.Options;

namespace AaiProxy.Server.Admin;

/// <summary>
/// The door of every admin page: a signed-in person (with a REFEDS MFA login unless
/// <c>AaiProxy:Admin:RequireMfa</c> is false) and, for a form, a valid antiforgery token. What the person
/// may see and do is the management service's decision alone (<see cref="GroupAdministration"/>).
/// </summary>
internal sealed class AdminGate(SignedInPerson signedIn, IAntiforgery antiforgery, IOptions<ProxyOptions> options)
{
    /// <param name="page">The page to return to after a sign-in (for a form: the page it is on).</param>
    public async Task<(ManagementActor? Actor, IResult? Response)> EnterAsync(HttpContext httpContext, string page)
    {
        var (session, signIn) = await signedIn.RequireAsync(httpContext, page, options.Value.Admin.RequireMfa);
        if (session is null)
            return (null, signIn);
        if (HttpMethods.IsPost(httpContext.Request.Method)
            && (!httpContext.Request.HasFormContentType || !await antiforgery.IsRequestValidAsync(httpContext)))
            return (null, AdminHtml.Problem(httpContext, StatusCodes.Status400BadRequest, "Form not accepted",
                "This form did not come from this service's page, or the page is too old. Open the page again and repeat.", page));
        return (ManagementActor.Person(session.AccountId), null);
    }

    /// <summary>The door of the account pages: <see cref="EnterAsync"/>, and then only for the proxy's administrators
    /// (<c>AaiProxy:Groups:PlatformAdmins</c>).</summary>
    /// <returns>The administrator's account id, or the response that ends the request.</returns>
    public async Task<(string? AccountId, IResult? Response)> EnterAsAdministratorAsync(HttpContext httpContext, string page)
    {
        var (actor, response) = await EnterAsync(httpContext, page);
        if (actor is null)
            return (null, response);
        if (!options.Value.Groups.IsPlatformAdmin(actor.AccountId))
            return (null, AdminHtml.Problem(httpContext, StatusCodes.Status403Forbidden, "Not allowed",
                "Only the proxy's administrators (AaiProxy:Groups:PlatformAdmins) manage accounts.", GroupLinks.AdminBasePath));
        return (actor.AccountId, null);
    }

    /// <summary>The hidden antiforgery field every form of a page carries.</summary>
    public string AntiforgeryField(HttpContext httpContext)
    {
        var tokens = antiforgery.GetAndStoreTokens(httpContext);
        return $"<input type=\"hidden\" name=\"{HtmlPage.Encode(tokens.FormFieldName)}\" value=\"{HtmlPage.Encode(tokens.RequestToken)}\">";
    }
}

/// <summary>Markup shared by the admin pages.</summary>
internal static class AdminHtml
{
    /// <summary>Confirmations after a change (Post/Redirect/Get): only these fixed texts are ever shown.</summary>
    private static readonly Dictionary<string, string> Notices = new(StringComparer.Ordinal)
    {
        ["invited"] = "The invitation has been sent.",
        ["revoked"] = "The invitation has been withdrawn.",
        ["approved"] = "The request has been approved: the person is a member now.",
        ["denied"] = "The request has been denied.",
        ["roles"] = "The roles have been changed.",
        ["extended"] = "The end date has been changed.",
        ["removed"] = "The membership has ended.",
        ["suspended"] = "The membership has been suspended.",
        ["resumed"] = "The membership is active again.",
        ["embargo"] = "The embargo end has been changed.",
        ["requested"] = "Your request has been sent to the group's managers.",
        ["left"] = "You have left the group.",
        ["account-suspended"] = "The account is suspended: its sessions ended and its tokens were revoked.",
        ["account-reactivated"] = "The account is active again.",
        ["accounts-merged"] = "The accounts have been merged into this one.",
        ["client-updated"] = "The client has been changed.",
    };

    public static string Notice(string? done) =>
        done is not null && Notices.TryGetValue(done, out var text) ? $"<p role=\"status\" data-testid=\"notice\"><strong>{HtmlPage.Encode(text)}</strong></p>" : "";

    public static string Navigation =>
        $"""<nav aria-label="Group administration"><a href="{GroupLinks.AdminBasePath}">My groups and proposals</a> · <a href="{GroupLinks.AdminBasePath}/people">Find a person</a> · <a href="{GroupLinks.AdminBasePath}/audit">Audit log</a> · <a href="{GroupLinks.AdminBasePath}/accounts">Accounts</a> · <a href="{GroupLinks.AdminBasePath}/clients">Clients</a></nav>""";

    public static IResult Page(string title, string body, int status = StatusCodes.Status200OK) => HtmlPage.Render(title, Navigation + body, status);

    /// <summary>A command the management service refused, as a page with its reason and a way back.</summary>
    public static IResult Failed(HttpContext httpContext, Failure failure, string back) =>
        failure switch
        {
            Failure.NotFound => Problem(httpContext, StatusCodes.Status404NotFound, "Not found", failure.Detail, back),
            Failure.Forbidden => Problem(httpContext, StatusCodes.Status403Forbidden, "Not allowed", failure.Detail, back),
            Failure.Conflict => Problem(httpContext, StatusCodes.Status409Conflict, "Not possible now", failure.Detail, back),
            Failure.Invalid invalid => Problem(httpContext, StatusCodes.Status400BadRequest, "Please correct the form",
                string.Join(" ", invalid.Problems.Select(problem => problem.Message)), back),
            _ => Problem(httpContext, StatusCodes.Status400BadRequest, "Not possible", failure.Detail, back),
        };

    public static IResult Problem(HttpContext httpContext, int status, string title, string detail, string back) =>
        HtmlPage.Render(title,
            $"""
            {Navigation}
            <p role="alert" data-testid="problem">{HtmlPage.Encode(detail)}</p>
            <p><a href="{HtmlPage.Encode(LocalUrl.OrRoot(back))}">Back</a></p>
            <p>If you contact support, quote this correlation id: <code>{HtmlPage.Encode(CorrelationId.Of(httpContext))}</code></p>
            """, status);

    public static IResult Done(string page, string notice) =>
        Results.Redirect($"{page}?done={Uri.EscapeDataString(notice)}", permanent: false, preserveMethod: false);

    public static string Date(DateTimeOffset? instant) =>
        instant is { } value ? value.UtcDateTime.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture) : "—";

    /// <summary>A date for an <c>&lt;input type="date"&gt;</c>.</summary>
    public static string DateValue(DateTimeOffset? instant) =>
        instant is { } value ? value.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) : "";

    /// <summary>A date from a form (<c>yyyy-MM-dd</c>, midnight UTC); null when absent or malformed.</summary>
    public static DateTimeOffset? ParseDate(string? text) =>
        DateTime.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var date)
            ? new DateTimeOffset(date, TimeSpan.Zero)
            : null;

    /// <summary>Role names from a form field: separated by commas or spaces; <c>member</c> is implied.</summary>
    public static IReadOnlyList<string> ParseRoles(string? text) =>
        (text ?? "").Split([',', ' '], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    public static string Table(string caption, IReadOnlyList<string> headers, IEnumerable<IReadOnlyList<string>> rows)
    {
        var html = new StringBuilder("<table><caption>").Append(HtmlPage.Encode(caption)).Append("</caption><thead><tr>");
        foreach (var header in headers)
            html.Append("<th scope=\"col\">").Append(HtmlPage.Encode(header)).Append("</th>");
        html.Append("</tr></thead><tbody>");
        foreach (var row in rows)
        {
            html.Append("<tr>");
            foreach (var cell in row)
                html.Append("<td>").Append(cell).Append("</td>");
            html.Append("</tr>");
        }

        return html.Append("</tbody></table>").ToString();
    }
}
