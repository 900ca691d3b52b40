using System.Text;
using AaiProxy.Server.Web;

namespace AaiProxy.Server.Tests.Web;

/// <summary>The client id a request names in HTTP Basic (RFC 6749 §2.3.1), read without checking the secret.</summary>
public sealed class RateLimitCallerTests
{
    [Theory]
    [InlineData("demo-service:secret", "demo-service")]
    [InlineData("my%3Aclient:se:cret", "my:client")] // form-url-encoded before joining: the first ':' separates
    [InlineData("a+b:secret", "a b")]
    public void Reads_the_form_url_decoded_client_id_of_basic_authentication(string credentials, string clientId) =>
        Assert.Equal(clientId, RateLimitCaller.FromBasic("Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes(credentials))));

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("Bearer eyJhbGciOi")]
    [InlineData("Basic not-base64!")]
    [InlineData("Basic " + "OnNlY3JldA==")] // ":secret": no client id
    public void Finds_no_client_id_in_other_or_malformed_headers(string? authorization) =>
        Assert.Null(RateLimitCaller.FromBasic(authorization));

    [Fact]
    public void Does_not_believe_a_client_id_longer_than_the_limit()
    {
        var credentials = new string('c', RateLimitCaller.MaxClientIdLength + 1) + ":secret";

        Assert.Null(RateLimitCaller.FromBasic("Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes(credentials))));
    }
}
