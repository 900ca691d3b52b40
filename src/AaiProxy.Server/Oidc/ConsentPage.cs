using System.Security.Claims;
using System.Text;
using AaiProxy.Server.Accounts;
using AaiProxy.Server.Web;
using Microsoft.Extensions.Primitives;
using OpenIddict.Abstractions;

namespace AaiProxy.Server.Oidc;

/// <summary>
/// The release notice: which client asks, and every claim value its tokens would carry (the principal's claims that
/// have a destination, so exactly what <see cref="CommunityPrincipalFactory"/> releases for the requested scopes),
/// with Allow and Deny. The form posts the authorization request back to the authorization endpoint with
/// <see cref="DecisionParameter"/> and an antiforgery token, so OpenIddict validates the client and redirect URI again.
/// </summary>
internal static class ConsentPage
{
    /// <summary>The posted decision: <see cref="ConsentDecision.Allow"/> or <see cref="ConsentDecision.Deny"/>.</summary>
    public const string DecisionParameter = "consent_decision";

    /// <param name="clientName">The client's display name.</param>
    /// <param name="principal">The principal the code would carry; its released claims are listed.</param>
    /// <param name="request">The authorization request's own parameters (query or form), carried by the form.</param>
    /// <param name="antiforgery">The antiforgery form field name and token.</param>
    public static IResult Render(string clientName, ClaimsPrincipal principal, bool offlineAccess,
        IEnumerable<KeyValuePair<string, StringValues>> request, (string FieldName, string Token) antiforgery)
    {
        var client = HtmlPage.Encode(clientName);
        var html = new StringBuilder()
            .Append("<p data-consent-client>").Append(client)
            .Append(" asks to receive the information below about you. It receives it only if you allow it, and you can withdraw that later on ")
            .Append("<a href=\"").Append(AccountPage.Path).Append("\">your account page</a>.</p>")
            .Append(HtmlPage.ClaimsTable($"Released to {clientName}", Released(principal)));
        if (offlineAccess)
        {
            html.Append("<p data-consent-offline-access>").Append(client)
                .Append(" may also keep access on your behalf while you are away (offline access), until you withdraw it.</p>");
        }

        html.Append("<form method=\"post\" action=\"").Append(ConnectEndpoints.Authorization).Append("\">")
            .Append(Hidden(antiforgery.FieldName, antiforgery.Token));
        foreach (var (name, values) in request)
        {
            if (name == antiforgery.FieldName || name == DecisionParameter)
            {
                continue;
            }

            foreach (var value in values)
            {
                html.Append(Hidden(name, value));
            }
        }

        html.Append("<p class=\"actions\">")
            .Append("<button type=\"submit\" id=\"consent-allow\" name=\"").Append(DecisionParameter).Append("\" value=\"").Append(ConsentDecision.Allow).Append("\">Allow</button> ")
            .Append("<button type=\"submit\" id=\"consent-deny\" name=\"").Append(DecisionParameter).Append("\" value=\"").Append(ConsentDecision.Deny).Append("\">Deny</button>")
            .Append("</p></form>");
        return HtmlPage.Render($"Share your information with {clientName}?", html.ToString());
    }

    /// <summary>The claim values a principal's tokens would carry: those with a destination.</summary>
    internal static IEnumerable<KeyValuePair<string, string>> Released(ClaimsPrincipal principal) =>
        principal.Claims.Where(claim => claim.GetDestinations().Length > 0).Select(claim => KeyValuePair.Create(claim.Type, claim.Value));

    internal static string Hidden(string name, string? value) =>
        $"<input type=\"hidden\" name=\"{HtmlPage.Encode(name)}\" value=\"{HtmlPage.Encode(value)}\">";
}
