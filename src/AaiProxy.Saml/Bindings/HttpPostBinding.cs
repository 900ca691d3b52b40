using System.Net;
using System.Text;

namespace AaiProxy.Saml.Bindings;

/// <summary>
/// The SAML HTTP-POST binding (Bindings 3.5): a protocol message, base64-encoded (not deflated),
/// in a form the browser posts to the peer.
/// </summary>
/// <remarks>
/// The form has no inline script, so it works under a strict Content-Security-Policy. With an
/// auto-submit script URL (a static file the host serves from its own origin, e.g.
/// <c>script-src 'self'</c>), the script submits the form and the button only shows when scripting
/// is off (<c>noscript</c>). Without one, the person presses the always-visible button.
/// </remarks>
public static class HttpPostBinding
{
    /// <summary>Renders a complete HTML page with the form.</summary>
    /// <param name="destination">The peer's endpoint (the form action).</param>
    /// <param name="kind">Request or response: decides <c>SAMLRequest</c> or <c>SAMLResponse</c>.</param>
    /// <param name="messageXml">The (signed) protocol message; sent byte for byte.</param>
    /// <param name="relayState">Opaque state the peer returns unchanged.</param>
    /// <param name="autoSubmitScriptUrl">A same-origin script that submits <c>document.forms[0]</c>, or null.</param>
    public static string RenderForm(Uri destination, SamlMessageKind kind, string messageXml, string? relayState,
        string? autoSubmitScriptUrl = null)
    {
        ArgumentNullException.ThrowIfNull(destination);
        ArgumentNullException.ThrowIfNull(messageXml);
        if (!destination.IsAbsoluteUri)
        {
            throw new ArgumentException("The destination must be an absolute URL.", nameof(destination));
        }

        var encoded = Convert.ToBase64String(Encoding.UTF8.GetBytes(messageXml));
        var button = "<button type=\"submit\">Continue</button>";
        var html = new StringBuilder()
            .Append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
            .Append("<meta name=\"referrer\" content=\"no-referrer\">\n<title>Continuing sign-in…</title>\n");
        if (autoSubmitScriptUrl is not null)
        {
            html.Append("<script src=\"").Append(WebUtility.HtmlEncode(autoSubmitScriptUrl)).Append("\" defer></script>\n");
        }

        html.Append("</head>\n<body>\n<form method=\"post\" action=\"")
            .Append(WebUtility.HtmlEncode(destination.AbsoluteUri)).Append("\">\n")
            .Append("<input type=\"hidden\" name=\"").Append(kind.ParameterName()).Append("\" value=\"")
            .Append(WebUtility.HtmlEncode(encoded)).Append("\">\n");
        if (relayState is not null)
        {
            html.Append("<input type=\"hidden\" name=\"RelayState\" value=\"")
                .Append(WebUtility.HtmlEncode(relayState)).Append("\">\n");
        }

        html.Append(autoSubmitScriptUrl is null ? button : $"<noscript>{button}</noscript>")
            .Append("\n</form>\n</body>\n</html>\n");
        return html.ToString();
    }
}
