using System.Net;
using AaiProxy.Server.Tests.Infrastructure;
using static AaiProxy.Server.Tests.Saml.SamlBrowserSteps;

namespace AaiProxy.Server.Tests.Saml;

/// <summary>
/// An AuthnRequest stays answerable for a bounded time (<c>AaiProxy:Saml:OutstandingRequestLifetime</c>):
/// an answer arriving later is treated as if this browser had asked nothing, even though the
/// assertion itself is still within its own validity window.
/// </summary>
public sealed class OutstandingRequestExpiryTests(ProxyFixture fixture) : IClassFixture<ProxyFixture>
{
    [Fact]
    public async Task Answer_to_an_expired_request_is_refused_and_the_browser_stays_signed_out()
    {
        await using var factory = new ProxyFactory(fixture.Database, overrides: new Dictionary<string, string>
        {
            ["AaiProxy:Saml:OutstandingRequestLifetime"] = "00:00:01",
            // Plain assertions, so the page names the reason instead of the uniform encrypted-failure text.
            ["AaiProxy:Demo:EncryptAssertions"] = "false",
        });
        var browser = factory.CreateBrowser();
        var form = await ObtainResponseAsync(browser, "bob");

        await Task.Delay(TimeSpan.FromMilliseconds(1_500));
        using var answer = await UpstreamLogin.PostToAcsAsync(browser, form);

        var page = await ReadFailurePageAsync(answer);
        Assert.Equal(HttpStatusCode.BadRequest, page.Status);
        Assert.Contains("does not answer a sign-in started in this browser", page.Html);
        LogLine(factory, page.CorrelationId, "UnexpectedInResponseTo");
        Assert.False(await IsSignedInAsync(browser));
    }
}
