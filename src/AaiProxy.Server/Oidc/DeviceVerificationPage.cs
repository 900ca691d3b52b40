using System.Security.Claims;
using System.Text;
using AaiProxy.Server.Web;

namespace AaiProxy.Server.Oidc;

/// <summary>
/// The pages of the device flow's verification URI (RFC 8628 §3.3): the form to type the code the device shows,
/// the approval page (which client asks, for which scopes, and every claim value its tokens would carry, with
/// Approve and Deny behind an antiforgery token), and the page that tells the person to go back to the device.
/// </summary>
internal static class DeviceVerificationPage
{
    /// <summary>The posted decision: <see cref="ConsentDecision.Allow"/> or <see cref="ConsentDecision.Deny"/>.</summary>
    public const string DecisionParameter = "device_decision";

    /// <summary>The RFC 8628 parameter carrying the code the person typed or the link carried.</summary>
    public const string UserCodeParameter = "user_code";

    /// <param name="error">Why the code typed before was not accepted, if it was not.</param>
    public static IResult CodeEntry(string? error)
    {
        var html = new StringBuilder();
        if (error is not null)
        {
            html.Append("<p class=\"error\" role=\"alert\" id=\"user-code-error\" data-device-error>").Append(HtmlPage.Encode(error)).Append("</p>");
        }

        html.Append("<p>Type the code that the program on your device (for example a command-line tool) shows you.</p>")
            .Append("<form method=\"get\" action=\"").Append(ConnectEndpoints.Verification).Append("\">")
            .Append("<p><label for=\"user-code\">Code</label> ")
            .Append("<input id=\"user-code\" name=\"").Append(UserCodeParameter).Append("\" autocomplete=\"off\" autocapitalize=\"characters\" spellcheck=\"false\" required")
            .Append(error is null ? "" : " aria-invalid=\"true\" aria-describedby=\"user-code-error\"").Append("></p>")
            .Append("<p class=\"actions\"><button type=\"submit\" id=\"device-continue\">Continue</button></p></form>");
        return HtmlPage.Render("Connect a device", html.ToString(), error is null ? StatusCodes.Status200OK : StatusCodes.Status400BadRequest);
    }

    /// <param name="clientName">The client's display name.</param>
    /// <param name="scopes">The scopes the device asked for.</param>
    /// <param name="principal">The principal the tokens would carry; its released claims are listed.</param>
    /// <param name="userCode">The user code, carried by the form.</param>
    /// <param name="antiforgery">The antiforgery form field name and token.</param>
    public static IResult Approval(string clientName, IReadOnlyCollection<string> scopes, ClaimsPrincipal principal, string userCode,
        (string FieldName, string Token) antiforgery)
    {
        var client = HtmlPage.Encode(clientName);
        var html = new StringBuilder()
            .Append("<p data-device-client>").Append(client)
            .Append(" on a device asks to act on your behalf. Approve only if you started it yourself just now and the code matches the one it shows: ")
            .Append("<code data-device-user-code>").Append(HtmlPage.Encode(userCode)).Append("</code>.</p>")
            .Append("<h2>Requested scopes</h2><ul data-device-scopes>");
        foreach (var scope in scopes)
        {
            html.Append("<li><code data-scope>").Append(HtmlPage.Encode(scope)).Append("</code></li>");
        }

        html.Append("</ul>").Append(HtmlPage.ClaimsTable($"Released to {clientName}", ConsentPage.Released(principal)))
            .Append("<form method=\"post\" action=\"").Append(ConnectEndpoints.Verification).Append("\">")
            .Append(ConsentPage.Hidden(antiforgery.FieldName, antiforgery.Token))
            .Append(ConsentPage.Hidden(UserCodeParameter, userCode))
            .Append("<p class=\"actions\">")
            .Append("<button type=\"submit\" id=\"device-approve\" name=\"").Append(DecisionParameter).Append("\" value=\"").Append(ConsentDecision.Allow).Append("\">Approve</button> ")
            .Append("<button type=\"submit\" id=\"device-deny\" name=\"").Append(DecisionParameter).Append("\" value=\"").Append(ConsentDecision.Deny).Append("\">Deny</button>")
            .Append("</p></form>");
        return HtmlPage.Render($"Allow {clientName} on your device?", html.ToString());
    }

    /// <summary>Where OpenIddict sends the browser once the decision is recorded.</summary>
    public static string DoneUrl(bool approved) => $"{ConnectEndpoints.VerificationDone}?outcome={(approved ? "approved" : "denied")}";

    public static IResult Done(string? outcome) => outcome == "approved"
        ? HtmlPage.Render("Device connected", "<p data-device-outcome=\"approved\">You approved the request. Go back to your device: it continues on its own. You can close this page.</p>")
        : HtmlPage.Render("Request denied", "<p data-device-outcome=\"denied\">You denied the request: the device receives no access. You can close this page.</p>");
}
