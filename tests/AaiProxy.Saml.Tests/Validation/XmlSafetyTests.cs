using System.Text;
using AaiProxy.Saml.Validation;

namespace AaiProxy.Saml.Tests.Validation;

public sealed class XmlSafetyTests
{
    private readonly SamlTestBed _bed = new();

    [Fact]
    public async Task Rejects_external_entity_in_a_dtd()
    {
        var xml = "<?xml version=\"1.0\"?><!DOCTYPE r [<!ENTITY xxe SYSTEM \"file:///etc/passwd\">]>"
                  + _bed.Write().Replace("alice@example.org", "&xxe;", StringComparison.Ordinal);

        var error = await _bed.RejectAsync(xml);

        Assert.Equal(SamlValidationError.XmlDtdProhibited, error.Error);
    }

    [Fact]
    public async Task Rejects_entity_expansion_bomb()
    {
        var entities = new StringBuilder("<!DOCTYPE lolz [<!ENTITY lol0 \"lol\">");
        for (var i = 1; i < 10; i++)
        {
            entities.Append($"<!ENTITY lol{i} \"{string.Concat(Enumerable.Repeat($"&lol{i - 1};", 10))}\">");
        }

        var xml = entities.Append("]>") + _bed.Write().Replace("Alice Liddell", "&lol9;", StringComparison.Ordinal);

        var error = await _bed.RejectAsync(xml);

        Assert.Equal(SamlValidationError.XmlEntityDeclarations, error.Error);
    }

    [Fact]
    public async Task Rejects_deeply_nested_elements()
    {
        var depth = 100;
        var nested = string.Concat(Enumerable.Repeat("<x:a xmlns:x=\"urn:x\">", depth)) + string.Concat(Enumerable.Repeat("</x:a>", depth));
        var document = _bed.WriteDocument();
        var xml = document.OuterXml.Replace("</samlp:Response>", nested + "</samlp:Response>", StringComparison.Ordinal);

        var error = await _bed.RejectAsync(xml);

        Assert.Equal(SamlValidationError.XmlTooDeep, error.Error);
    }

    [Fact]
    public async Task Rejects_oversized_response_before_decoding_it()
    {
        var padding = new string(' ', _bed.Options.MaxResponseBytes + 10);
        var xml = _bed.Write().Replace("<saml:Issuer>", padding + "<saml:Issuer>", StringComparison.Ordinal);

        var error = await _bed.RejectAsync(xml);

        Assert.Equal(SamlValidationError.ResponseTooLarge, error.Error);
    }

    [Fact]
    public async Task Rejects_a_form_field_that_is_not_base64()
    {
        var error = await Assert.ThrowsAsync<SamlValidationException>(() => _bed.Validator().ValidateAsync("<samlp:Response/>", SamlResponseExpectations.Unsolicited));

        Assert.Equal(SamlValidationError.InvalidBase64, error.Error);
    }

    [Fact]
    public async Task Rejects_a_form_field_whose_octets_are_not_utf8()
    {
        var error = await Assert.ThrowsAsync<SamlValidationException>(() => _bed.Validator().ValidateAsync("//79", SamlResponseExpectations.Unsolicited));

        Assert.Equal(SamlValidationError.XmlMalformed, error.Error);
    }

    [Fact]
    public async Task Rejects_a_message_that_is_not_a_response()
    {
        var xml = $"<samlp:LogoutRequest xmlns:samlp=\"{SamlNamespaces.Protocol}\" ID=\"_1\" Version=\"2.0\"/>";

        var error = await _bed.RejectAsync(xml);

        Assert.Equal(SamlValidationError.NotAResponse, error.Error);
    }
}
