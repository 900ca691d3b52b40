using AaiProxy.Server.Configuration;
using AaiProxy.Server.Gate;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace AaiProxy.Server.Tests.Gate;

/// <summary>The gate's browser sign-in, without a server: return paths, download hosts, the sign-in link, the credential, the start-up checks.</summary>
public sealed class GateSignInPiecesTests
{
    private const string Audience = "https://download.example.org/";
    private const string CallbackA = "https://download-a.example.org/gate/oauth2/callback";
    private const string CallbackB = "https://download-b.example.org:8443/gate/oauth2/callback";
    private static readonly GateDownloadHosts Hosts = new("download", [CallbackA, CallbackB, "https://portal.example.org/callback"]);

    [Theory]
    [InlineData("/")]
    [InlineData("/data/demo/DEMO-2026-017/raw/scan-0001.txt")]
    [InlineData("/data/demo/DEMO-2026-017/file%20name.txt?version=2")]
    [InlineData("/gateway/file")]
    public void Return_path_on_the_same_host_is_accepted(string path) => Assert.Null(GateReturnPath.Refusal(path));

    [Theory]
    [InlineData("https://evil.example/", "absolute URLs are refused")]
    [InlineData("evil.example/data", "absolute URLs are refused")]
    [InlineData("//evil.example/", "'//'")]
    [InlineData("/\\evil.example/", "backslash")]
    [InlineData("/data\\..\\x", "backslash")]
    [InlineData("/\t/evil.example/", "control characters")]
    [InlineData("/data/x\r\nSet-Cookie: a=b", "control characters")]
    [InlineData("/gate/oauth2/start?rd=%2F", "sign-in itself")]
    [InlineData("/GATE/OAUTH2/callback", "sign-in itself")]
    public void Return_path_that_could_leave_the_host_or_loop_is_refused_with_the_reason(string path, string reason) =>
        Assert.Contains(reason, GateReturnPath.Refusal(path), StringComparison.Ordinal);

    [Fact]
    public void Overlong_return_path_is_refused() =>
        Assert.Contains("longer than", GateReturnPath.Refusal("/" + new string('a', 2048)), StringComparison.Ordinal);

    [Theory]
    [InlineData("download-a.example.org")]
    [InlineData("download-b.example.org:8443")]
    public void Host_with_its_callback_registered_runs_the_sign_in(string host) =>
        Assert.Null(Hosts.Refusal("https", new HostString(host)));

    [Theory]
    [InlineData("download-c.example.org")]
    [InlineData("download-b.example.org")]
    [InlineData("download-a.example.org:8443")]
    [InlineData("portal.example.org")]
    public void Host_without_its_exact_callback_registered_is_refused_naming_the_uri_to_register(string host)
    {
        var refusal = Hosts.Refusal("https", new HostString(host));

        Assert.Contains($"add https://{host}/gate/oauth2/callback to the RedirectUris of client 'download'", refusal, StringComparison.Ordinal);
    }

    [Fact]
    public void Download_host_reached_over_plain_http_is_refused() =>
        Assert.Contains("HTTPS", Hosts.Refusal("http", new HostString("download-a.example.org")), StringComparison.Ordinal);

    [Theory]
    [InlineData(CallbackA, true)]
    [InlineData("https://download.example.org:8443/gate/oauth2/callback", true)]
    [InlineData("http://download.example.org/gate/oauth2/callback", false)]
    [InlineData("https://download.example.org/gate/oauth2/callback?x=1", false)]
    [InlineData("https://download.example.org/prefix/gate/oauth2/callback", false)]
    [InlineData("https://user@download.example.org/gate/oauth2/callback", false)]
    [InlineData("/gate/oauth2/callback", false)]
    public void Only_https_callbacks_at_the_gate_path_name_download_hosts(string redirectUri, bool expected) =>
        Assert.Equal(expected, GateDownloadHosts.IsGateCallback(redirectUri));

    [Fact]
    public void Browser_navigation_without_a_token_is_sent_to_the_sign_in_returning_to_the_file()
    {
        var headers = new HeaderDictionary { ["Sec-Fetch-Mode"] = "navigate", ["Accept"] = "text/html,*/*" };

        // The URI as the web server received it, escaped whole into rd (the start endpoint gets it back unescaped once).
        Assert.Equal("/gate/oauth2/start?rd=%2Fdata%2Fdemo%2FDEMO-2026-017%2Fa%2520b.txt%3Fv%3D1",
            GateSignInLink.For("/data/demo/DEMO-2026-017/a%20b.txt?v=1", headers));
    }

    [Fact]
    public void Browser_without_fetch_metadata_is_recognised_by_accepting_html() =>
        Assert.NotNull(GateSignInLink.For("/data/x", new HeaderDictionary { ["Accept"] = "text/html" }));

    [Theory]
    [InlineData(null, "*/*", null)]
    [InlineData("cors", "text/html", null)]
    [InlineData("navigate", "text/html", "Bearer abc")]
    [InlineData("navigate", "text/html", "Basic abc")]
    public void Scripts_fetches_and_callers_with_a_token_get_no_sign_in_link(string? fetchMode, string accept, string? authorization)
    {
        var headers = new HeaderDictionary { ["Accept"] = accept };
        if (fetchMode is not null)
            headers["Sec-Fetch-Mode"] = fetchMode;
        if (authorization is not null)
            headers["Authorization"] = authorization;

        Assert.Null(GateSignInLink.For("/data/x", headers));
    }

    [Fact]
    public void Original_uri_that_is_no_safe_return_path_gets_no_sign_in_link() =>
        Assert.Null(GateSignInLink.For("//evil.example/data", new HeaderDictionary { ["Sec-Fetch-Mode"] = "navigate" }));

    [Fact]
    public void Bearer_header_wins_over_the_gate_cookie() =>
        Assert.Equal(new GateCredential.Bearer("Bearer x"), GateCredential.Of("Bearer x", "cookie-token"));

    [Fact]
    public void Gate_cookie_token_counts_when_there_is_no_authorization_header() =>
        Assert.Equal(new GateCredential.Cookie("cookie-token"), GateCredential.Of(null, "cookie-token"));

    [Fact]
    public void Neither_is_no_credential() => Assert.IsType<GateCredential.None>(GateCredential.Of("", null));

    [Fact]
    public void Well_configured_browser_sign_in_passes_the_start_up_checks() =>
        Assert.Empty(GateBrowserSignInValidation.Validate(Gate(), Proxy(SignInClient())));

    [Fact]
    public void Start_up_checks_name_each_missing_piece()
    {
        var client = SignInClient();
        client.Type = ClientType.Public;
        client.AllowedGrants = ["client_credentials"];
        client.AllowedScopes = ["profile"];
        client.Resources = ["https://elsewhere.example.org/"];
        client.RedirectUris = ["https://download-a.example.org/callback"];
        var proxy = Proxy(client);
        proxy.Issuer = null;
        proxy.ReverseProxy = new();

        var failures = GateBrowserSignInValidation.Validate(Gate(), proxy).ToList();

        Assert.Collection(failures,
            failure => Assert.Contains("needs AaiProxy:Issuer", failure, StringComparison.Ordinal),
            failure => Assert.Contains("needs AaiProxy:ReverseProxy:KnownProxies or KnownNetworks", failure, StringComparison.Ordinal),
            failure => Assert.Contains("must be Confidential", failure, StringComparison.Ordinal),
            failure => Assert.Contains("authorization_code in AllowedGrants", failure, StringComparison.Ordinal),
            failure => Assert.Contains("openid in AllowedScopes", failure, StringComparison.Ordinal),
            failure => Assert.Contains($"'{Audience}' in Resources", failure, StringComparison.Ordinal),
            failure => Assert.Contains("has no download host", failure, StringComparison.Ordinal));
        Assert.All(failures, failure => Assert.StartsWith("AaiProxy:Gate:BrowserSignIn:ClientId", failure, StringComparison.Ordinal));
    }

    [Fact]
    public void Sign_in_client_must_be_a_declared_client() =>
        Assert.Contains("is no client of AaiProxy:Clients", Assert.Single(GateBrowserSignInValidation.Validate(Gate(), Proxy())), StringComparison.Ordinal);

    [Fact]
    public void Browser_sign_in_without_the_gate_itself_is_refused_at_start_up()
    {
        var result = new GateOptionsValidator(Options.Create(Proxy(SignInClient()))).Validate(null, new GateOptions { BrowserSignIn = { ClientId = "download" } });

        Assert.True(result.Failed);
        Assert.Contains("AaiProxy:Gate:BrowserSignIn:ClientId is set but AaiProxy:Gate:Audience is not", result.FailureMessage, StringComparison.Ordinal);
    }

    private static GateOptions Gate() => new() { Audience = Audience, BrowserSignIn = { ClientId = "download" } };

    private static ClientOptions SignInClient() => new()
    {
        ClientId = "download",
        Type = ClientType.Confidential,
        ClientSecret = "secret",
        AllowedGrants = ["authorization_code"],
        AllowedScopes = ["openid"],
        Resources = [Audience],
        RedirectUris = [CallbackA],
    };

    private static ProxyOptions Proxy(params ClientOptions[] clients) => new()
    {
        Issuer = new Uri("https://aai.example.org/"),
        ReverseProxy = { KnownNetworks = ["10.0.0.0/24"] },
        Clients = [.. clients],
    };
}
