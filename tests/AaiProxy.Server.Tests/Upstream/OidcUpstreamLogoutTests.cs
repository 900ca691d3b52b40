using AaiProxy.Identity;
using AaiProxy.Server.Session;
using AaiProxy.Server.Upstream.Oidc;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;

namespace AaiProxy.Server.Tests.Upstream;

/// <summary>A provider that publishes no end_session_endpoint, or whose metadata cannot be read, leaves sign-out to
/// the proxy alone (the caller then ends the proxy session); only one that publishes it gets the browser.</summary>
public sealed class OidcUpstreamLogoutTests
{
    private static readonly ProxySession Session = new("account-1", "link-1", "op",
        new UpstreamAuthentication(new DateTimeOffset(2026, 12, 1, 9, 0, 0, TimeSpan.Zero), null), "session-1");

    [Fact]
    public async Task Provider_without_an_end_session_endpoint_leaves_sign_out_to_the_proxy()
    {
        var logout = Logout(new StaticConfigurationManager<OpenIdConnectConfiguration>(new OpenIdConnectConfiguration { Issuer = "https://op.example.org" }));

        Assert.Null(await logout.TryStartAsync(new DefaultHttpContext(), Session, "/connect/logout"));
    }

    [Fact]
    public async Task Provider_whose_metadata_cannot_be_read_leaves_sign_out_to_the_proxy()
    {
        var logout = Logout(new UnavailableMetadata());

        Assert.Null(await logout.TryStartAsync(new DefaultHttpContext(), Session, "/connect/logout"));
    }

    private static OidcUpstreamLogout Logout(IConfigurationManager<OpenIdConnectConfiguration> metadata) =>
        new("op", new FixedOptions(new OpenIdConnectOptions { ConfigurationManager = metadata }), NullLogger<OidcLoginLog>.Instance);

    private sealed class FixedOptions(OpenIdConnectOptions options) : IOptionsMonitor<OpenIdConnectOptions>
    {
        public OpenIdConnectOptions CurrentValue => options;

        public OpenIdConnectOptions Get(string? name) => options;

        public IDisposable? OnChange(Action<OpenIdConnectOptions, string?> listener) => null;
    }

    // What Microsoft.IdentityModel's ConfigurationManager throws when it cannot retrieve or read the document.
    private sealed class UnavailableMetadata : IConfigurationManager<OpenIdConnectConfiguration>
    {
        public Task<OpenIdConnectConfiguration> GetConfigurationAsync(CancellationToken cancel) =>
            throw new InvalidOperationException("IDX20803: Unable to obtain configuration from: 'http://127.0.0.1:1/.well-known/openid-configuration'.");

        public void RequestRefresh()
        {
        }
    }
}
