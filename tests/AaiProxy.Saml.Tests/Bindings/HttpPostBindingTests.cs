using System.Text;
using System.Text.RegularExpressions;
using AaiProxy.Saml.Bindings;

namespace AaiProxy.Saml.Tests.Bindings;

public sealed partial class HttpPostBindingTests
{
    private const string Response = "<samlp:Response xmlns:samlp=\"urn:oasis:names:tc:SAML:2.0:protocol\" ID=\"_r\"/>";
    private static readonly Uri Acs = new("https://proxy.example.org/saml/acs?x=1&y=\"2\"");

    [Fact]
    public void Form_carries_the_message_and_relay_state_html_encoded()
    {
        var html = HttpPostBinding.RenderForm(Acs, SamlMessageKind.Response, Response, "\"><script>alert(1)</script>");

        Assert.Contains("action=\"https://proxy.example.org/saml/acs?x=1&amp;y=%222%22\"", html);
        Assert.Contains("name=\"RelayState\" value=\"&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;\"", html);
        var value = HiddenValue().Match(html).Groups[1].Value;
        Assert.Equal(Response, Encoding.UTF8.GetString(Convert.FromBase64String(value)));
    }

    [Fact]
    public void Form_without_script_has_a_visible_button_and_no_inline_script()
    {
        var html = HttpPostBinding.RenderForm(Acs, SamlMessageKind.Response, Response, null);

        Assert.DoesNotContain("<script", html);
        Assert.DoesNotContain("noscript", html);
        Assert.Contains("<button type=\"submit\">", html);
        Assert.DoesNotContain("RelayState", html);
    }

    [Fact]
    public void Form_with_auto_submit_script_references_it_and_keeps_the_button_for_noscript()
    {
        var html = HttpPostBinding.RenderForm(Acs, SamlMessageKind.Request, Response, null, "/saml/autosubmit.js");

        Assert.Contains("<script src=\"/saml/autosubmit.js\" defer></script>", html);
        Assert.Contains("<noscript><button type=\"submit\">", html);
        Assert.Contains("name=\"SAMLRequest\"", html);
        Assert.DoesNotMatch("<script>", html);
    }

    [GeneratedRegex("name=\"SAMLResponse\" value=\"([^\"]*)\"")]
    private static partial Regex HiddenValue();
}
