using System.Net;
using AaiProxy.Server.Demo;
using AaiProxy.Tests.Shared;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.Mvc.Testing.Handlers;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace AaiProxy.Server.Tests.Infrastructure;

/// <summary>The proxy in process, on a given test database, with the embedded demo.</summary>
public class ProxyFactory(TestDatabase database, string environment = "Development", IReadOnlyDictionary<string, string>? overrides = null)
    : WebApplicationFactory<Program>
{
    public const string Origin = "http://localhost";

    public const string WebAppClientId = "test-webapp";
    public const string WebAppSecret = "test-webapp-secret";
    public const string WebAppRedirectUri = "https://webapp.example.org/callback";

    /// <summary>A confidential code-flow client besides the demo clients (the first test client after config/demo.json's own).</summary>
    private static readonly Dictionary<string, string> WebAppClient = new()
    {
        [ConfiguredClients.Key(0, "ClientId")] = WebAppClientId,
        [ConfiguredClients.Key(0, "Type")] = "Confidential",
        [ConfiguredClients.Key(0, "ClientSecret")] = WebAppSecret,
        [ConfiguredClients.Key(0, "RedirectUris:0")] = WebAppRedirectUri,
        [ConfiguredClients.Key(0, "AllowedGrants:0")] = "authorization_code",
        [ConfiguredClients.Key(0, "AllowedGrants:1")] = "refresh_token",
        [ConfiguredClients.Key(0, "AllowedScopes:0")] = "profile",
    };

    /// <summary>The code-flow clients tests use without expecting a release notice (the demo portal, the web app):
    /// facility-internal, so they never ask for consent. Consent tests override it.</summary>
    private static readonly Dictionary<string, string> FacilityInternalClients = new()
    {
        ["AaiProxy:Clients:0:FacilityInternal"] = "true",
        [ConfiguredClients.Key(0, "FacilityInternal")] = "true",
    };

    public CapturedLogs Logs { get; } = new();

    /// <summary>A browser: keeps cookies, does not follow redirects (tests follow them step by step).</summary>
    public HttpClient CreateBrowser() => CreateBrowser(new CookieContainer());

    /// <summary>A browser whose cookie jar the test holds (to copy a browser's state, e.g. to another node).</summary>
    public HttpClient CreateBrowser(CookieContainer cookies) => CreateDefaultClient(new Uri(Origin), new CookieContainerHandler(cookies));

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment(environment);
        builder.UseSetting("urls", Origin);
        builder.UseSetting("AaiProxy:RateLimiting:PermitLimit", "100000");
        // The demo runs registration Interactive; tests of other things sign people in as a user office would
        // (Automatic). Registration tests override it.
        builder.UseSetting("AaiProxy:Registration:Mode", "Automatic");
        // The demo IdP alone (the authorization endpoint goes straight to it); tests that want the generated
        // federation of config/demo.json say so in their overrides.
        builder.UseSetting("AaiProxy:Demo:GeneratedFederation:Entities", "0");
        foreach (var (key, value) in WebAppClient.Concat(FacilityInternalClients))
        {
            builder.UseSetting(key, value);
        }

        foreach (var (key, value) in database.Settings.Concat(overrides ?? new Dictionary<string, string>()))
        {
            builder.UseSetting(key, value);
        }

        builder.ConfigureLogging(logging => logging.AddProvider(Logs));
        builder.ConfigureTestServices(services =>
            // The demo portal calls the proxy's own endpoints over HTTP; in process that is the test server.
            services.AddHttpClient(DemoPortalEndpoints.HttpClientName).ConfigurePrimaryHttpMessageHandler(() => Server.CreateHandler()));
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        SqliteConnection.ClearAllPools();
    }
}
