using System.Net;
using System.Text.Json;
using AaiProxy.Server.Tests.Infrastructure;
using Microsoft.IdentityModel.JsonWebTokens;

namespace AaiProxy.Server.Tests.Gate;

/// <summary>The proxy of config/demo.json with anonymous access to open data allowed.</summary>
public sealed class AnonymousOpenDataProxyFixture : ProxyFixture
{
    protected override IReadOnlyDictionary<string, string> Overrides { get; } = new Dictionary<string, string>
    {
        ["AaiProxy:Gate:AnonymousOpenData"] = "true",
    };
}

/// <summary>
/// <c>/gate/check</c> as nginx <c>auth_request</c> calls it, with tokens of real sign-ins: the demo portal's code flow, then
/// a token exchange for the demo download service (the gate's audience). alice is the PI of DEMO-2026-017 (under
/// embargo), bob of neither that nor any other open team but on DEMO-2021-042, whose embargo ended in 2024.
/// </summary>
public sealed class GateCheckTests(ProxyFixture fixture) : IClassFixture<ProxyFixture>
{
    private const string Embargoed = "/data/demo/DEMO-2026-017/raw/scan_0001.h5";
    private const string OpenData = "/data/demo/DEMO-2021-042/processed/model.cif";
    private readonly OidcTestClient _oidc = new(fixture.Factory);

    [Fact]
    public async Task Team_member_may_download_embargoed_data_and_the_access_log_gets_subject_and_proposal()
    {
        var token = await GateTokenAsync(_oidc, "alice");

        using var response = await CheckAsync(fixture.Factory, Embargoed, token);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(new JsonWebToken(token).Subject, response.Headers.GetValues("X-AaiProxy-Subject").Single());
        Assert.Equal("demo/DEMO-2026-017", response.Headers.GetValues("X-AaiProxy-Proposal").Single());
    }

    [Fact]
    public async Task Non_member_is_forbidden_embargoed_data()
    {
        using var response = await CheckAsync(fixture.Factory, Embargoed, await GateTokenAsync(_oidc, "bob"));

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Fact]
    public async Task Anyone_with_a_gate_token_may_download_open_data()
    {
        using var response = await CheckAsync(fixture.Factory, OpenData, await GateTokenAsync(_oidc, "alice"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Without_a_token_the_answer_is_a_bearer_challenge_even_for_open_data_by_default()
    {
        using var response = await CheckAsync(fixture.Factory, OpenData, token: null);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("Bearer realm=\"aaiproxy-gate\"", response.Headers.WwwAuthenticate.ToString());
    }

    [Fact]
    public async Task Token_for_another_audience_is_invalid_token()
    {
        // The portal's own access token (aud: the portal), of the PI herself.
        var tokens = await _oidc.CodeFlowAsync("alice", "openid profile");

        using var response = await CheckAsync(fixture.Factory, Embargoed, tokens.GetProperty("access_token").GetString());

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains("error=\"invalid_token\"", response.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Tampered_token_is_invalid_token()
    {
        var token = await GateTokenAsync(_oidc, "alice");
        var tampered = token[..^4] + (token[^4] == 'A' ? "B" : "A") + token[^3..];

        using var response = await CheckAsync(fixture.Factory, Embargoed, tampered);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains("error=\"invalid_token\"", response.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Traversal_out_of_a_readable_proposal_is_forbidden()
    {
        var token = await GateTokenAsync(_oidc, "bob");

        using var response = await CheckAsync(fixture.Factory, "/data/demo/DEMO-2021-042/../DEMO-2026-017/raw/scan_0001.h5", token);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Fact]
    public async Task Forward_auth_header_of_Traefik_and_Caddy_is_read_too()
    {
        var token = await GateTokenAsync(_oidc, "alice");
        using var request = new HttpRequestMessage(HttpMethod.Get, "/gate/check");
        request.Headers.Add("X-Forwarded-Uri", Embargoed);
        request.Headers.Authorization = new("Bearer", token);

        using var response = await fixture.Factory.CreateClient().SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Request_without_the_original_uri_is_a_configuration_error()
    {
        using var response = await fixture.Factory.CreateClient().GetAsync("/gate/check");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    /// <summary>A person's token for the gate: the demo portal's code flow, then a token exchange for the download service.</summary>
    internal static async Task<string> GateTokenAsync(OidcTestClient oidc, string user)
    {
        var tokens = await oidc.CodeFlowAsync(user, "openid profile");
        var (status, body) = await oidc.TokenAsync(new()
        {
            ["grant_type"] = "urn:ietf:params:oauth:grant-type:token-exchange",
            ["client_id"] = OidcTestClient.PortalClientId,
            ["subject_token"] = tokens.GetProperty("access_token").GetString(),
            ["subject_token_type"] = "urn:ietf:params:oauth:token-type:access_token",
            ["audience"] = TokenExchangeTests.Download,
        });
        Assert.True(status == HttpStatusCode.OK, body.ToString());
        return body.GetProperty("access_token").GetString()!;
    }

    internal static Task<HttpResponseMessage> CheckAsync(ProxyFactory factory, string originalUri, string? token)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "/gate/check");
        request.Headers.Add("X-Original-URI", originalUri);
        if (token is not null)
            request.Headers.Authorization = new("Bearer", token);
        return factory.CreateClient().SendAsync(request);
    }
}

/// <summary><c>AaiProxy:Gate:AnonymousOpenData</c>: open data without any token; embargoed data still needs one.</summary>
public sealed class GateAnonymousOpenDataTests(AnonymousOpenDataProxyFixture fixture) : IClassFixture<AnonymousOpenDataProxyFixture>
{
    [Fact]
    public async Task Open_data_needs_no_token()
    {
        using var response = await GateCheckTests.CheckAsync(fixture.Factory, "/data/demo/DEMO-2021-042/processed/model.cif", token: null);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Embargoed_data_still_needs_a_token()
    {
        using var response = await GateCheckTests.CheckAsync(fixture.Factory, "/data/demo/DEMO-2026-017/raw/scan_0001.h5", token: null);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }
}
